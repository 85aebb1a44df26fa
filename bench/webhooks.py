"""Webhooks benchmark: events per second from commit to receiver, through a real Celery worker
(2 processes) on PostgreSQL and Redis, to a receiver on loopback that checks every signature
with the ``standardwebhooks`` package.

Two figures: the worker's rate on a full queue (events committed while the worker does not
consume, as if many web processes had committed at once; timed from the worker's start to the
last event received), and end to end with 4 threads committing one event per transaction while
the worker consumes (timed from the first commit to the last event received).

Run: .venv/bin/python -m bench.webhooks [--events 5000]
Prints figures; asserts nothing.
"""

import argparse
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.extensions import db
from bench.common import bench_env, flush_redis, fresh_database, make_app, start_worker, stop
from surveys.webhooks import emit, emit_many
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint


class Receiver:
    """Counts distinct ``webhook-id`` values and verifies each signature: a plain threaded
    ``http.server`` with keep-alive (lighter than a WSGI stack, so the figure is Kaiku's)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.bad = 0
        self.last = 0.0
        self.lock = threading.Lock()
        self.verifier = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # the worker's sessions reuse their connections
            disable_nagle_algorithm = True  # the headers and body are two writes

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                receiver.received(body, dict(self.headers))
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, body: str, headers: dict[str, str]) -> None:
        try:
            self.verifier.verify(body, headers)
        except Exception:
            self.bad += 1
        with self.lock:
            self.ids.add(headers.get("webhook-id") or headers.get("Webhook-Id"))
            self.last = time.monotonic()

    def wait(self, n: int, timeout: float = 600) -> float:
        deadline = time.monotonic() + timeout
        while len(self.ids) < n:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(self.ids)} of {n} events arrived")
            time.sleep(0.01)
        return self.last


def queued_rate(app, receiver: Receiver, n: int) -> float:
    control = app.extensions["celery"].control
    control.cancel_consumer("celery", reply=True)
    before = len(receiver.ids)
    with app.app_context():
        for start in range(0, n, 100):
            emit_many(db.session, "response.created",
                      [{"response_id": i} for i in range(start, min(n, start + 100))])  # fmt: skip
            db.session.commit()  # sends one message per delivery
    begun = time.monotonic()
    control.add_consumer("celery", reply=True)
    last = receiver.wait(before + n)
    return n / (last - begun)


def live_rate(app, receiver: Receiver, n: int, threads: int = 4) -> float:
    before = len(receiver.ids)

    def commit_events(part: range) -> None:
        with app.app_context():
            for i in part:
                emit(db.session, "response.processed", {"response_id": i})
                db.session.commit()

    begun = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(commit_events, [range(k, n, threads) for k in range(threads)]))
    last = receiver.wait(before + n)
    return n / (last - begun)


def main() -> None:
    from standardwebhooks import Webhook

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()

    url = fresh_database("kaiku_bench_webhooks")
    receiver = Receiver()
    os.environ["WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"
    app = make_app(url)
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"
    flush_redis()
    with app.app_context():
        endpoint = create_endpoint(
            db.session, WebhookSettings.from_mapping(app.config), url=receiver.url
        )
        db.session.commit()
        receiver.verifier = Webhook(endpoint.secret)
    assert bench_env(url)["WEBHOOK_ALLOWED_HOSTS"] == "127.0.0.1"
    worker = start_worker(url, app.extensions["celery"])
    try:
        rate = queued_rate(app, receiver, args.events)
        print(f"full queue: {rate:.0f} events/s from the worker's start to the receiver "
              f"({args.events} events, 2 worker processes)")  # fmt: skip
        rate = live_rate(app, receiver, args.events)
        print(f"end to end: {rate:.0f} events/s from the first commit to the receiver "
              f"({args.events} events, 4 committing threads, one event per commit)")  # fmt: skip
        print(f"signatures that failed the standardwebhooks verifier: {receiver.bad}")
    finally:
        stop(worker)


if __name__ == "__main__":
    main()
