"""Lifecycle delivery benchmark: events through trigger evaluation into invitations, then the
dispatch of the due ones to a local SMTP sink (aiosmtpd) by a real Celery worker.

Run: .venv/bin/python -m bench.lifecycle [--events 100000] [--customers 20000] [--procs 2]
Prints events/s (trigger evaluation: rules, filters, eligibility with the customers' history,
the invitation rows) and emails/s (dispatch: claim, re-check, compose into the outbox, enqueue
in batches as the dispatcher does; then delivery by the worker, one SMTP connection per
batch). Asserts nothing.

The clock is fixed at a Monday noon UTC, so customers in Asia are in their quiet hours and get
postponed, as they would in real traffic. The schema comes from the models (create_all), so the
benchmark runs on a working tree whose migration is not written yet.
"""

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")

import sqlalchemy as sa  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, insert, select, update  # noqa: E402

from bench.common import ROOT, bench_env, flush_redis, fresh_database, stop  # noqa: E402
from tests.servers import free_port  # noqa: E402

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ZONES = ["UTC", "Europe/Helsinki", "Europe/London", "America/New_York", "Asia/Tokyo"]
STAGES = ["onboarding", "active", "active", "loyal", "at_risk"]
EVENTS = [
    ("purchase_completed", 40),
    ("support_ticket_closed", 30),
    ("onboarding_completed", 10),
    ("renewed", 10),
    ("page_viewed", 10),  # no rule listens
]
BATCH = 1000


def make_app(database_url: str):
    os.environ.update(bench_env(database_url))
    from app import create_app
    from bench import common
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        REDIS_URL = common.REDIS_URL
        CELERY_EAGER = "0"
        CELERY = {**Config.CELERY, "broker_url": common.REDIS_URL}

    return create_app(BenchConfig)


def seed(app, customers: int, events: int) -> None:
    """Surveys with rules, ``customers`` customers, ``events`` unevaluated events (bulk)."""
    from app.extensions import db
    from surveys.models import Base, Customer, Event, TriggerRule
    from tests.factories.surveys import make_survey

    rng = random.Random(7)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        session = db.session
        nps, csat, ces = (make_survey(session, kind) for kind in ("nps", "csat", "ces"))
        csat.recontact_days = 30
        session.add_all(
            [
                TriggerRule(
                    survey=nps,
                    event_name="purchase_completed",
                    filters=[{"field": "stage", "op": "one_of", "value": ["active", "loyal"]}],
                ),
                TriggerRule(
                    survey=nps,
                    event_name="renewed",
                    filters=[{"field": "attributes.mrr", "op": "gte", "value": 100}],
                ),
                TriggerRule(
                    survey=csat,
                    event_name="support_ticket_closed",
                    delay_minutes=60,
                    filters=[{"field": "attributes.plan", "op": "exists", "value": True}],
                ),
                TriggerRule(survey=ces, event_name="onboarding_completed", delay_minutes=1440),
            ]
        )
        session.commit()
        rows = [
            {
                "external_id": f"bench-{i}",
                "email": f"b{i}@example.com",
                "name": f"Customer {i}",
                "locale": "fi" if i % 3 == 0 else "en",
                "timezone": ZONES[i % len(ZONES)],
                "stage": STAGES[i % len(STAGES)],
                "attributes": {"plan": rng.choice(["basic", "pro"]), "mrr": rng.randint(0, 500)}
                if i % 4
                else {},
                "unsubscribed": i % 50 == 0,
                "bounced_at": NOW if i % 97 == 0 else None,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i in range(customers)
        ]
        ids = []
        for start in range(0, len(rows), 5000):
            ids += session.scalars(
                insert(Customer).returning(Customer.id), rows[start : start + 5000]
            ).all()
        names = [name for name, weight in EVENTS for _ in range(weight)]
        event_rows = [
            {
                "customer_id": rng.choice(ids),
                "name": rng.choice(names),
                "properties": {},
                "occurred_at": NOW - timedelta(seconds=rng.randint(60, 7200)),
                "received_at": NOW,
            }
            for _ in range(events)
        ]
        for start in range(0, len(event_rows), 10000):
            session.execute(insert(Event), event_rows[start : start + 10000])
        session.commit()


def evaluate_share(database_url: str, share: int, shares: int) -> int:
    """Evaluate the events of customers with ``customer_id % shares == share``, in batches, as
    the worker's batched task does: load events (and customers), evaluate, mark, commit."""
    from app.extensions import db
    from surveys.delivery import triggers
    from surveys.kernel import clock
    from surveys.models import Event

    app = make_app(database_url)
    clock.set_source(lambda: NOW)
    settings = app.extensions["kaiku_settings"]
    done = 0
    with app.app_context():
        session = db.session
        ids = session.scalars(
            select(Event.id)
            .where(Event.customer_id % shares == share, Event.evaluated_at.is_(None))
            .order_by(Event.id)
        ).all()
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            events = session.scalars(select(Event).where(Event.id.in_(chunk))).unique().all()
            triggers.evaluate_events(session, events, settings)
            session.execute(
                update(Event).where(Event.id.in_(chunk)).values(evaluated_at=NOW),
                execution_options={"synchronize_session": False},
            )
            session.commit()
            session.expunge_all()
            done += len(chunk)
    return done


class Sink:
    """An SMTP handler that only counts messages and connections."""

    def __init__(self) -> None:
        self.count = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def start_mail_worker(database_url: str, smtp_port: int, concurrency: int):
    log = open("/tmp/kaiku-bench-h2-worker.log", "w")  # noqa: SIM115 - lives with the worker
    env = bench_env(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port))
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "worker", "--loglevel=WARNING",
         f"--concurrency={concurrency}", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000, help="events to evaluate")
    parser.add_argument("--customers", type=int, default=20_000, help="customers they are of")
    parser.add_argument("--procs", type=int, default=2, help="evaluating processes")
    parser.add_argument(
        "--database", default="kaiku_bench_h2", help="PostgreSQL database, dropped and created"
    )
    args = parser.parse_args()

    url = fresh_database(args.database)
    app = make_app(url)
    flush_redis()
    seed(app, args.customers, args.events)

    from app.extensions import db
    from surveys.delivery import dispatch
    from surveys.kernel import clock
    from surveys.mail import DELIVERY_BATCH
    from surveys.models import Invitation, OutboxEmail

    # Trigger evaluation ------------------------------------------------------------------
    start = time.monotonic()
    if args.procs == 1:
        evaluated = evaluate_share(url, 0, 1)
    else:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(args.procs) as pool:
            evaluated = sum(
                pool.starmap(evaluate_share, [(url, i, args.procs) for i in range(args.procs)])
            )
    elapsed = time.monotonic() - start
    clock.set_source(lambda: NOW)
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(Invitation.status, func.count()).group_by(Invitation.status)
            ).all()
        )
        due = db.session.scalar(
            select(func.count())
            .select_from(Invitation)
            .where(Invitation.status == "scheduled", Invitation.scheduled_for <= NOW)
        )
    print(
        f"trigger evaluation: {evaluated} events in {elapsed:.1f} s = {evaluated / elapsed:.0f} "
        f"events/s ({args.procs} processes, batches of {BATCH}); invitations {counts}, "
        f"{due} due now"
    )

    # Dispatch and delivery ----------------------------------------------------------------
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    worker = start_mail_worker(url, smtp_port, concurrency=2)
    try:
        celery_app = app.extensions["celery"]
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not start")
        settings = app.extensions["kaiku_settings"]
        start = time.monotonic()
        queued = 0
        with app.app_context():
            while True:
                result = dispatch.dispatch_due(db.session, settings, now=NOW)
                ids = result.outbox_ids
                db.session.commit()  # sends the deliver_emails batches dispatch registered
                db.session.expunge_all()
                queued += len(ids)
                if result.claimed < settings.dispatch_batch_size:
                    break
        dispatched = time.monotonic() - start
        while sink.count < queued and time.monotonic() - start < 1800:
            time.sleep(0.2)
        delivered = time.monotonic() - start
        with app.app_context():
            sent = db.session.scalar(
                select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status == "sent")
            )
        print(
            f"dispatch: {queued} emails composed into the outbox and enqueued in "
            f"{dispatched:.1f} s = {queued / dispatched:.0f} emails/s"
        )
        print(
            f"dispatch + delivery to the SMTP sink: {sink.count} emails received in "
            f"{delivered:.1f} s = {sink.count / delivered:.0f} emails/s "
            f"(worker: 2 processes, batches of {DELIVERY_BATCH}, {sink.connections} SMTP "
            f"connections; outbox rows sent: {sent})"
        )
    finally:
        stop(worker)
        controller.stop()
        sa.create_engine(url).dispose()


if __name__ == "__main__":
    main()
