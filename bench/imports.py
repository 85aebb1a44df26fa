"""Customer CSV import benchmark: rows per second of a whole import on PostgreSQL, by file size,
so a cost that grows faster than the file shows as a growing time per 10k rows.

Run: .venv/bin/python -m bench.imports [--sizes 10000 50000 100000]
Each size is a generated file (external_id, email, name, locale, timezone, stage, plan, mrr,
seats; about one row in 200 bad) imported as the worker does it: ``create_import`` and a
commit, then the ``kaiku.import_customers`` task in this process (batches with commits). Then
the same file again, which changes nothing. Prints figures; asserts nothing.

Where the server runs without autovacuum (a shared development server), a thread stands in for
it with ANALYZE every few seconds: without statistics the planner reads the whole growing
customers table for each batch's lookup, which no production server does for long.
"""

import argparse
import random
import threading
import time
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import text

from app.extensions import db
from bench.common import fresh_database, make_app
from surveys.customers import imports
from surveys.models import CustomerImport
from worker.import_tasks import import_customers

HEADER = "external_id,email,name,locale,timezone,stage,plan,mrr,seats\n"
ZONES = ["UTC", "Europe/Helsinki", "Europe/London", "America/New_York", "Asia/Tokyo"]
STAGES = ["onboarding", "active", "active", "loyal", "at_risk"]
PLANS = ["basic", "pro", "team", "enterprise"]


def csv_file(rows: int) -> str:
    """``rows`` customers; every 200th row is bad in one of three ways."""
    rng = random.Random(rows)
    lines = [HEADER]
    for i in range(rows):
        zone, stage = ZONES[i % len(ZONES)], STAGES[i % len(STAGES)]
        email = f"customer{i}@example.com"
        locale = "fi" if i % 3 == 0 else "en"
        if i % 600 == 199:
            email = "not-an-email"
        elif i % 600 == 399:
            locale = "xx"
        elif i % 600 == 599:
            lines.append(f"ext-{i},{email}\n")  # too few values
            continue
        plan, mrr, seats = rng.choice(PLANS), rng.randint(0, 5000), rng.randint(1, 200)
        lines.append(
            f'ext-{i},{email},"Customer {i}, Ltd",{locale},{zone},{stage},{plan},{mrr},{seats}\n'
        )
    return "".join(lines)


def run_import(content: str, name: str) -> tuple[float, CustomerImport]:
    """Seconds for one import end to end (stored, then run by the task), and the import."""
    started = time.perf_counter()
    customer_import = imports.create_import(db.session, name, content)
    db.session.commit()
    import_customers.apply(args=[customer_import.id]).get()
    seconds = time.perf_counter() - started
    db.session.expire_all()
    return seconds, db.session.get(CustomerImport, customer_import.id)


@contextmanager
def statistics_kept(database_url: str, every: float = 5.0):
    """ANALYZE the import's tables every ``every`` seconds while the block runs, unless the
    server's autovacuum does it."""
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        autovacuum = conn.execute(text("SHOW autovacuum")).scalar() == "on"
    stopped = threading.Event()

    def analyze() -> None:
        with engine.connect() as conn:
            while not stopped.wait(every):
                conn.execute(text("ANALYZE customers, stage_changes"))

    thread = None if autovacuum else threading.Thread(target=analyze, daemon=True)
    if thread is not None:
        print(f"autovacuum is off: ANALYZE every {every:g} s stands in for it")
        thread.start()
    try:
        yield
    finally:
        stopped.set()
        if thread is not None:
            thread.join()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    args = parser.parse_args()

    database_url = fresh_database("kaiku_bench_imports")
    app = make_app(database_url)
    with app.app_context(), statistics_kept(database_url):
        print(f"{'rows':>8} {'run':>6} {'seconds':>8} {'rows/s':>8} {'s/10k':>6}  result")
        for size in args.sizes:
            db.session.execute(text("TRUNCATE customers, customer_imports CASCADE"))
            db.session.commit()
            content = csv_file(size)
            for run in ("first", "again"):
                seconds, done = run_import(content, f"bench-{size}.csv")
                summary = (
                    f"{done.status}: {done.created_count} created, {done.updated_count} updated, "
                    f"{done.unchanged_count} unchanged, {imports.failed_rows(done)} refused"
                )
                print(
                    f"{size:>8} {run:>6} {seconds:>8.1f} {size / seconds:>8.0f} "
                    f"{seconds / size * 10_000:>6.2f}  {summary}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
