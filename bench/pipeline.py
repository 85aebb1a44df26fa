"""Pipeline benchmark: responses processed per second by a real Celery worker on PostgreSQL and
Redis, and the latency from a committed detractor answer to its rescue task (p50, p99).

Run: .venv/bin/python -m bench.pipeline [--responses 5000] [--latency-samples 200]
Prints figures; asserts nothing.
"""

import argparse
import time

from sqlalchemy import func, insert, select

from app.extensions import db
from bench.common import flush_redis, fresh_database, make_app, percentile, start_worker, stop
from bench.corpus import answers
from surveys.answers.recording import add_comment, record_answer
from surveys.delivery.invitations import create_invitation
from surveys.kernel import clock
from surveys.models import Customer, Invitation, RescueTask, Response, Survey
from surveys.referrals.codes import create_programme
from tests.factories.surveys import make_customer, make_survey
from worker import tasks


def measure_latency(app, survey_id: int, samples: int, rate: float) -> list[float]:
    """Answer ``samples`` detractors one by one at ``rate``/s; seconds from commit to task."""
    settings = app.extensions["kaiku_settings"]
    committed: dict[int, float] = {}
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        for i in range(samples):
            new = create_invitation(db.session, survey, make_customer(db.session), settings)
            response_id = record_answer(db.session, new.invitation, i % 7, channel="email")
            add_comment(
                db.session, new.invitation, "The service was slow and support never answered."
            )
            db.session.commit()  # sends the processing that record_answer registered
            committed[response_id] = time.time()
            time.sleep(1 / rate)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = db.session.scalar(
                select(func.count())
                .select_from(RescueTask)
                .where(RescueTask.response_id.in_(committed))
            )
            if done == samples:
                break
            time.sleep(0.1)
        created = dict(
            db.session.execute(
                select(RescueTask.response_id, RescueTask.created_at).where(
                    RescueTask.response_id.in_(committed)
                )
            ).all()
        )
    return [created[rid].timestamp() - committed[rid] for rid in committed if rid in created]


def seed_unprocessed(app, survey_id: int, n: int, offset: int) -> list[int]:
    """``n`` committed, unprocessed answers, inserted in bulk (as a burst would leave them)."""
    now = clock.now()
    with app.app_context():
        session = db.session
        customer_ids = session.scalars(
            insert(Customer).returning(Customer.id),
            [
                {
                    "external_id": f"bench-{offset + i}",
                    "email": f"b{offset + i}@example.com",
                    "locale": "en",
                    "timezone": "UTC",
                    "stage": "active",
                    "attributes": {},
                    "unsubscribed": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n)
            ],
        ).all()
        invitation_ids = session.scalars(
            insert(Invitation).returning(Invitation.id),
            [
                {
                    "survey_id": survey_id,
                    "customer_id": cid,
                    "token_hash": f"{offset + i:064d}",
                    "status": "answered",
                    "channel": "email",
                    "created_at": now,
                    "expires_at": now,
                    "answered_at": now,
                }
                for i, cid in enumerate(customer_ids)
            ],
        ).all()
        rows = [
            {
                "invitation_id": iid,
                "survey_id": survey_id,
                "customer_id": cid,
                "score": score,
                "comment": comment,
                "channel": "email",
                "stage": "active",
                "revision": 1,
                "answered_at": now,
                "updated_at": now,
            }
            for iid, cid, (score, comment) in zip(
                invitation_ids, customer_ids, answers(n), strict=True
            )
        ]
        ids = session.scalars(insert(Response).returning(Response.id), rows).all()
        session.commit()
    return list(ids)


def measure_throughput(app, ids: list[int], batch: int) -> float:
    """Enqueue ``ids`` (one message each as the web does, or ``batch`` ids per message as the
    sweeper does); responses processed per second once the worker starts consuming them."""
    control = app.extensions["celery"].control
    # The queue is filled while the worker does not consume, as if many web processes had
    # published at once: a single publisher here would measure itself, not the worker.
    control.cancel_consumer("celery", reply=True)
    if batch == 1:
        for response_id in ids:
            tasks.process_response.delay(response_id)
    else:
        for i in range(0, len(ids), batch):
            tasks.process_responses.delay(ids[i : i + batch])
    start = time.monotonic()
    control.add_consumer("celery", reply=True)
    with app.app_context():
        while True:
            left = db.session.scalar(
                select(func.count())
                .select_from(Response)
                .where(Response.id.in_(ids), Response.processed_at.is_(None))
            )
            db.session.commit()
            if left == 0:
                break
            if time.monotonic() - start > 600:
                raise RuntimeError(f"{left} responses still unprocessed after 600 s")
            time.sleep(0.05)
    return len(ids) / (time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="answers/s in the latency run")
    args = parser.parse_args()

    url = fresh_database("kaiku_bench_pipeline")
    app = make_app(url)
    flush_redis()
    with app.app_context():
        survey_id = make_survey(db.session, "nps").id
        create_programme(db.session, "Bench friends", "https://example.com/join")
        db.session.commit()
    worker = start_worker(url, app.extensions["celery"])
    try:
        lat = measure_latency(app, survey_id, args.latency_samples, args.rate)
        print(
            f"answer -> rescue task latency at {args.rate:g} answers/s ({len(lat)} samples): "
            f"p50 {percentile(lat, 50) * 1000:.0f} ms, p99 {percentile(lat, 99) * 1000:.0f} ms"
        )
        for batch in (1, 100):
            ids = seed_unprocessed(app, survey_id, args.responses, offset=batch * 10_000_000)
            rate = measure_throughput(app, ids, batch)
            label = (
                "one message per response (web path, batched by the worker)"
                if batch == 1
                else f"{batch} ids per message (sweeper path)"
            )
            print(
                f"throughput, {label}: {rate:.0f} responses/s ({args.responses} responses, "
                f"2 worker processes)"
            )
    finally:
        stop(worker)


if __name__ == "__main__":
    main()
