"""Dashboard benchmark: the service's figures (summary, weekly trend, breakdowns by stage, by
agent with the leaderboard, by a segment attribute) over 90 days, as the page and the API call
them: p50 and p99 milliseconds at each size, read from the rollups (surveys/reports/counts.py)
once every cell is recounted; the recount of every cell is timed too.

Run: .venv/bin/python -m bench.dashboard [--sizes 10000 100000] [--runs 30]
Prints figures; asserts nothing.
"""

import argparse
import statistics
import time
from datetime import timedelta

from app.extensions import db
from bench.common import fresh_database, make_app
from surveys.kernel import clock
from surveys.models.rollups import mark_all_stale
from surveys.reports import dashboard, segments
from surveys.reports.rollups import refresh_all
from tests.factories.surveys import make_survey

SEED = """
INSERT INTO customers (external_id, email, locale, timezone, stage, attributes, unsubscribed,
                       created_at, updated_at)
SELECT 'b' || g, 'b' || g || '@example.com', 'en', 'UTC',
       (ARRAY['onboarding', 'active', 'at_risk'])[1 + g % 3],
       json_build_object('plan', (ARRAY['free', 'pro', 'team'])[1 + g % 3]), false, now(), now()
FROM generate_series(1, :n) g;
INSERT INTO invitations (survey_id, customer_id, token_hash, status, channel, handled_by,
                         created_at, sent_at, answered_at, expires_at)
SELECT :survey, c.id, md5(c.id::text) || md5('t' || c.id), 'answered', 'email',
       'agent' || (c.id % 20) || '@example.com', t, t, t + interval '1 hour', t + interval '14 days'
FROM (SELECT id, now() - (id % 365) * interval '1 day' AS t FROM customers) c;
INSERT INTO responses (invitation_id, survey_id, customer_id, score, channel, stage, language,
                       category, sentiment_mixed, revision, answered_at, updated_at)
SELECT i.id, i.survey_id, i.customer_id, (i.id * 7) % 11, 'email',
       (ARRAY['onboarding', 'active', 'at_risk'])[1 + i.customer_id % 3],
       (ARRAY['en', 'fi', 'sv'])[1 + i.id % 3], NULL, false, 1, i.answered_at, i.answered_at
FROM invitations i;
ANALYZE;
"""


REPORTS = {
    "summary": dashboard.summary,
    "trend by week": lambda session, scope: dashboard.trend(session, scope, "week"),
    "trend by day": lambda session, scope: dashboard.trend(session, scope, "day"),
    "breakdown by stage": lambda session, scope: dashboard.breakdown(session, scope, "stage"),
    "breakdown by agent": lambda session, scope: dashboard.breakdown(session, scope, "agent"),
    "breakdown by plan": lambda session, scope: dashboard.breakdown(
        session, scope, "attribute:plan"
    ),
}


def timings(call, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(1000 * (time.perf_counter() - start))
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.99 * len(samples)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"{'responses':>10} {'report':<22} {'p50 ms':>8} {'p99 ms':>8}")
    for size in args.sizes:
        app = make_app(fresh_database("kaiku_bench_dashboard"))
        with app.app_context():
            survey = make_survey(db.session, "nps")
            segments.set_segments(db.session, ["plan"])
            db.session.commit()
            for statement in SEED.strip().split(";\n"):
                db.session.execute(db.text(statement), {"n": size, "survey": survey.id})
            db.session.commit()
            begin = time.perf_counter()
            mark_all_stale(db.session)
            cells = refresh_all(db.session)
            print(f"{size:>10} recounted {cells} cells in {time.perf_counter() - begin:.1f} s")
            today = clock.now().date()
            days = dashboard.Range(today - timedelta(days=89), today)
            scope = dashboard.scope(db.session, days, survey_id=survey.id)
            for name, call in REPORTS.items():
                p50, p99 = timings(
                    lambda call=call, scope=scope: call(db.session, scope), args.runs
                )
                print(f"{size:>10} {name:<22} {p50:>8.1f} {p99:>8.1f}")
            db.session.remove()


if __name__ == "__main__":
    main()
