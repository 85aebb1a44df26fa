"""Worker-kill benchmark: seconds from a worker's kill -9 until the work it left is redone.

Answers are posted over HTTP at a steady rate (one in ten a detractor with an urgent comment:
a rescue task and its assignee's email, to a real SMTP server), a worker and beat run, and the
worker's whole process group gets SIGKILL a third into the burst; a new worker starts at once.
Prints the seconds from the kill until everything outstanding then is done (answers processed,
tasks opened, emails sent), until everything of the burst is, and the duplicates found.
``--old`` runs with the settings before the fix (visibility timeout 3,600 s, sweepers 60/30 s).

Run: .venv/bin/python -m bench.worker_kill [--answers 3000] [--rate 50] [--old]
Prints figures; asserts nothing.
"""

import argparse
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import redis
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.extensions import db
from bench.common import REDIS_URL, ROOT, bench_env, flush_redis, fresh_database, make_app, stop
from surveys.models import OutboxEmail, RescueTask, Response
from tests.factories.staff import make_staff
from tests.factories.surveys import make_invitation, make_survey
from tests.servers import CeleryWorker, free_port, smtp_servers

URGENT = "Terrible, awful service. Nobody answered for two weeks and I am furious."
OLD = {"REDELIVER_AFTER_SECONDS": "3600", "SWEEP_AFTER_SECONDS": "60", "SWEEP_EVERY_SECONDS": "30"}
THREADS = 4


def post(web: str, tokens: list[str], detractors: set[str], rate: float) -> None:
    http = requests.Session()
    for token in tokens:
        begun = time.monotonic()
        http.post(f"{web}/s/{token}", data={"score": 0 if token in detractors else 9})
        if token in detractors:
            http.post(f"{web}/s/{token}/why", data={"comment": URGENT})
        time.sleep(max(0.0, THREADS / rate - (time.monotonic() - begun)))


def outstanding(session) -> tuple[set[int], set[int]]:
    """Responses not processed yet, outbox emails not sent yet."""
    session.expire_all()
    responses = set(session.scalars(select(Response.id).where(Response.processed_at.is_(None))))
    emails = set(session.scalars(select(OutboxEmail.id).where(OutboxEmail.status != "sent")))
    return responses, emails


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--old", action="store_true", help="the settings before the fix")
    parser.add_argument("--max-wait", type=float, default=900.0)
    args = parser.parse_args()

    database_url = fresh_database("kaiku_bench_worker_kill")
    flush_redis()
    smtp_port, web_port = free_port(), free_port()
    extra = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "QUIET_HOURS": "off"}
    env = bench_env(database_url, **extra, **(OLD if args.old else {}))
    app = make_app(database_url)
    settings = app.extensions["kaiku_settings"]
    with app.app_context():
        make_staff(db.session, "agent", email="aino@example.com")
        survey = make_survey(db.session)
        tokens = []
        for _ in range(args.answers):
            tokens.append(make_invitation(db.session, settings, survey).token)
            if len(tokens) % 500 == 0:
                db.session.commit()
        db.session.commit()
    detractors = set(tokens[::10])
    server = make_server("127.0.0.1", web_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    web = f"http://127.0.0.1:{web_port}"

    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel=WARNING",
         "-s", "/tmp/kaiku-bench-kill-beat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    broker = redis.Redis.from_url(REDIS_URL)
    first = CeleryWorker("bench-kill-a", env)
    first.wait_ready()
    second = None
    with smtp_servers(smtp_port) as start_smtp, app.app_context():
        inbox = start_smtp()
        session = db.session
        with ThreadPoolExecutor(THREADS) as pool:
            posting = [
                pool.submit(post, web, tokens[i::THREADS], detractors, args.rate)
                for i in range(THREADS)
            ]
            while session.scalar(select(func.count(Response.id))) < args.answers // 3:
                time.sleep(0.05)
            while broker.zcard("unacked_index") == 0:
                time.sleep(0.005)
            first.kill()
            killed_at = time.monotonic()
            held = broker.zcard("unacked_index")
            left_responses, left_emails = outstanding(session)
            second = CeleryWorker("bench-kill-b", env)
            second.wait_ready()
            redone = everything = burst_end = None
            deadline = killed_at + args.max_wait
            while time.monotonic() < deadline and everything is None:
                if burst_end is None and all(future.done() for future in posting):
                    burst_end = time.monotonic()
                responses, emails = outstanding(session)
                tasks = session.scalar(select(func.count(RescueTask.id)))
                if redone is None and not (responses & left_responses or emails & left_emails):
                    redone = time.monotonic() - killed_at
                if burst_end and not responses and not emails and tasks == len(detractors):
                    everything = time.monotonic() - killed_at
                time.sleep(0.2)
            for future in posting:
                future.result()
        message_ids = Counter(m["Message-ID"] for m in inbox.messages)
        queued = session.scalar(select(func.count(OutboxEmail.id)))
        tasks = session.scalar(select(func.count(RescueTask.id)))
        responses = session.scalar(select(func.count(Response.id)))

    for proc in (first, second):
        if proc is not None:
            proc.stop()
    stop(beat)
    server.shutdown()
    label = "old settings (visibility 3600 s, sweepers 60/30 s)" if args.old else "new settings"
    print(f"worker kill -9, {label}: {args.answers} answers at {args.rate:.0f}/s")
    print(f"  killed holding {held} messages; outstanding then: {len(left_responses)} answers,")
    print(f"  {len(left_emails)} emails")

    def seconds(value):
        return f"{value:.1f} s" if value is not None else f"not within {args.max_wait:.0f} s"

    print(f"  what was outstanding at the kill redone: {seconds(redone)} after the kill")
    print(
        f"  everything done: {seconds(everything)} after the kill "
        f"(the burst ended {seconds(burst_end and burst_end - killed_at)} after it)"
    )
    print(
        f"  stored {responses}/{args.answers} answers, {tasks}/{len(detractors)} rescue tasks, "
        f"{len(message_ids)}/{queued} emails delivered; duplicates: "
        f"{sum(n - 1 for n in message_ids.values())} emails"
    )


if __name__ == "__main__":
    main()
