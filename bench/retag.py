"""Re-tagging benchmark: 100,000 processed responses of an older analysis version re-tagged by a
real Celery worker (2 processes) on PostgreSQL and Redis, batch by batch as ``flask reprocess``
runs it: responses per second and the total time.

Run: .venv/bin/python -m bench.retag [--responses 100000] [--batch-size 1000]
Prints figures; asserts nothing.
"""

import argparse
import time

from app.extensions import db
from bench.analysis_speed import comments
from bench.common import flush_redis, fresh_database, make_app, start_worker, stop
from surveys.answers import reanalysis
from surveys.models import ReanalysisRun
from tests.factories.responses import insert_processed_responses
from tests.factories.surveys import make_survey

SEED_CHUNK = 10_000


def seed(app, n: int) -> None:
    """``n`` processed responses tagged by an older analysis, in chunks of SEED_CHUNK."""
    with app.app_context():
        survey_id = make_survey(db.session, "nps").id
        db.session.commit()
        for start in range(0, n, SEED_CHUNK):
            # Different comments (English and Finnish, half each), so no per-text cache flatters.
            size = min(SEED_CHUNK, n - start)
            texts = comments("en", size - size // 2, seed=start) + comments(
                "fi", size // 2, seed=-start - 1
            )
            chunk = [(i % 11, text) for i, text in enumerate(texts)]
            insert_processed_responses(
                db.session, survey_id, chunk, version="0+old", prefix=f"b{start}"
            )
            db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=reanalysis.BATCH_SIZE)
    args = parser.parse_args()

    url = fresh_database("kaiku_bench_retag")
    app = make_app(url)
    flush_redis()
    seed(app, args.responses)
    worker = start_worker(url, app.extensions["celery"])
    try:
        with app.app_context():
            started = reanalysis.start_run(db.session, batch_size=args.batch_size)
            db.session.commit()  # sends the first batch
            run_id = started.run.id
            begin = time.monotonic()
            shown = 0
            while True:
                db.session.rollback()
                run = db.session.get(ReanalysisRun, run_id, populate_existing=True)
                if run.done - shown >= 10_000 or run.status == "done":
                    print(f"  {run.done} of {run.total} after {time.monotonic() - begin:.1f} s")
                    shown = run.done
                if run.status == "done":
                    break
                if time.monotonic() - begin > 1200:
                    raise RuntimeError(f"not done after 1200 s: {run.done} of {run.total}")
                time.sleep(0.2)
            seconds = (run.finished_at - run.started_at).total_seconds()
        print(
            f"re-tagged {run.retagged} of {run.total} responses in {seconds:.1f} s: "
            f"{run.done / seconds:,.0f} responses/s (batches of {args.batch_size}, "
            f"2 worker processes)"
        )
    finally:
        stop(worker)


if __name__ == "__main__":
    main()
