"""Report and explorer speed at 100,000, 1,000,000 (and, with --sizes, 10,000,000) responses.

Each size is a fresh PostgreSQL database seeded with COPY (``bench.report_data``), its rollups
recounted (timed: the cost of a full rebuild, ``flask rollups refresh --all``); every call goes
through the app as a client would (an API key, the Flask test client, no network), repeated, and
p50/p99 are printed per call and size. Calls whose endpoint this build does not have are left out.

Run: .venv/bin/python -m bench.reports [--sizes 100000,1000000] [--repeat 30]
Prints figures; asserts nothing.
"""

import argparse
import statistics
import time

import sqlalchemy as sa

from app.extensions import db
from bench.common import database_url, fresh_database, make_app
from bench.report_data import seed
from surveys.reports import segments
from surveys.reports.rollups import refresh_all
from surveys.staff.apikeys import create_api_key

RANGE = "from=2026-06-01&to=2026-08-31"


def calls(surveys: dict[str, int]) -> list[tuple[str, str]]:
    one = f"survey={surveys['nps']}"
    api = "/api/v1"
    return [
        ("explorer: a survey, one quarter, first page", f"{api}/responses?{one}&{RANGE}&limit=50"),
        ("explorer: + theme", f"{api}/responses?{one}&{RANGE}&theme=price&limit=50"),
        (
            "explorer: + negative, at risk",
            f"{api}/responses?{one}&{RANGE}&sentiment=negative&stage=at_risk&limit=50",
        ),
        ("explorer: full-text search", f"{api}/responses?{one}&{RANGE}&q=slow&limit=50"),
        (
            "explorer: CSV of one week",
            f"{api}/responses?{one}&from=2026-07-01&to=2026-07-07&format=csv",
        ),
        ("report: trend by week, a quarter", f"{api}/reports/trend?{one}&period=week&{RANGE}"),
        (
            "report: trend by month, a year",
            f"{api}/reports/trend?{one}&period=month&from=2025-09-01&to=2026-08-31",
        ),
        ("report: breakdown by stage", f"{api}/reports/breakdown?{one}&by=stage&{RANGE}"),
        ("report: breakdown by agent", f"{api}/reports/breakdown?{one}&by=agent&{RANGE}"),
        ("report: breakdown by plan", f"{api}/reports/breakdown?{one}&by=attribute:plan&{RANGE}"),
        (
            "report: all NPS surveys, trend by week",
            f"{api}/reports/trend?kind=nps&period=week&{RANGE}",
        ),
        ("report: themes", f"{api}/reports/themes?{one}&{RANGE}"),
    ]


def seeded(name: str, size: int) -> dict[str, int] | None:
    """The survey ids of a database an earlier run seeded with ``size`` responses, else None."""
    try:
        engine = sa.create_engine(database_url(name))
        with engine.connect() as conn:
            n = conn.scalar(sa.text("SELECT count(*) FROM responses"))
            kinds = {
                kind: i
                for kind, i in conn.execute(
                    sa.text("SELECT kind, min(id) FROM surveys GROUP BY kind")
                )
            }
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        return None
    return kinds if n == size else None


def measure(client, headers, path: str, repeat: int) -> tuple[float, float] | None:
    for _ in range(2):  # warm caches and the connection pool
        response = client.get(path, headers=headers)
        if response.status_code == 404 and b"requested URL was not found" in response.data:
            return None
        response.close()
    seconds = []
    for _ in range(repeat):
        begin = time.perf_counter()
        response = client.get(path, headers=headers)
        _ = response.data
        seconds.append(time.perf_counter() - begin)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.data[:300]!r}")
    seconds.sort()
    p99 = seconds[min(len(seconds) - 1, round(0.99 * (len(seconds) - 1)))]
    return statistics.median(seconds) * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse a database an earlier run seeded at that size (seeding 10M takes ~15 min)",
    )
    parser.add_argument("--calls", default="", help="only the calls whose name contains this")
    args = parser.parse_args()
    results: dict[str, dict[int, tuple[float, float] | None]] = {}
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        name = f"kaiku_bench_reports_{size}"
        surveys = seeded(name, size) if args.keep else None
        if surveys is None:
            app = make_app(fresh_database(name))
            begin = time.monotonic()
            surveys = seed(app, size)
            print(f"seeded {size:,} responses in {time.monotonic() - begin:.0f} s")
            begin = time.monotonic()
            with app.app_context():
                segments.set_segments(db.session, ["plan", "country"])  # marks every cell stale
                cells = refresh_all(db.session)
            print(f"recounted {cells:,} rollup cells in {time.monotonic() - begin:.1f} s")
        else:
            app = make_app(database_url(name))
            print(f"reusing {name}")
        with app.app_context():
            _key, raw = create_api_key(db.session, "bench", "analyst")
            db.session.commit()
        headers = {"Authorization": f"Bearer {raw}"}
        client = app.test_client()
        with app.app_context():
            for name, path in calls(surveys):
                if args.calls not in name:
                    continue
                results.setdefault(name, {})[size] = measure(client, headers, path, args.repeat)
            db.engine.dispose()
    print(f"\n{'call':52}" + "".join(f"{s:>26,}" for s in sizes))
    for name, by_size in results.items():
        cells = [
            "not in this build" if v is None else f"p50 {v[0]:6.1f} p99 {v[1]:6.1f} ms"
            for v in (by_size.get(s) for s in sizes)
        ]
        print(f"{name:52}" + "".join(f"{c:>26}" for c in cells))


if __name__ == "__main__":
    main()
