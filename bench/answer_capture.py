"""Answer-capture benchmark: POSTs of scores to the respondent page (/s/<token>) under gunicorn
with 2 sync workers on PostgreSQL, beside a bare Flask endpoint doing one INSERT, in the same
run with the same load (wrk): requests/s and p99 of both, and their ratio.

Kaiku's POST does what production does: the token look-up, the answer upsert (which also marks
the invitation answered), commit, then the Celery publish to Redis (no worker runs, so the queue
only grows; it is flushed afterwards). Two baselines: one Core INSERT, and the same INSERT through
the Flask-SQLAlchemy ORM (see bench/bare_app.py).

Run: .venv/bin/python -m bench.answer_capture [--seconds 20] [--connections 16]
Needs wrk (Debian package ``wrk``). Prints figures; asserts nothing.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import sqlalchemy as sa
from sqlalchemy import insert

from app.extensions import db
from bench.common import ROOT, bench_env, flush_redis, fresh_database, make_app, stop
from surveys.kernel import clock
from surveys.kernel.tokens import hash_token, new_token
from surveys.models import Customer, Invitation
from tests.factories.surveys import make_survey
from tests.servers import free_port

WRK_SCRIPT = """
local tokens = {%(tokens)s}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  i = i + 1
  local token = tokens[(i %% #tokens) + 1]
  local score = i %% 11
  if "%(path)s" == "/s/" then
    return wrk.format(nil, "/s/" .. token, nil, "score=" .. score)
  end
  return wrk.format(nil, "%(path)s", nil, "token=" .. token .. "&score=" .. score)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT {\\"rps\\": %%f, \\"p50\\": %%f, \\"p99\\": %%f, " ..
    "\\"errors\\": %%d, \\"non2xx3xx\\": %%d, \\"requests\\": %%d}\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests))
end
"""


BARE_CORE = "bare Flask, one Core INSERT"
BARE_ORM = "bare Flask-SQLAlchemy, one ORM INSERT"
KAIKU = "Kaiku POST /s/<token>"
RUNS = {
    BARE_CORE: ("bench.bare_app:app", "/answer"),
    BARE_ORM: ("bench.bare_app:app", "/answer-orm"),
    KAIKU: ("wsgi:app", "/s/"),
}


def create_bare_table(url: str) -> None:
    """The baseline's table (see bench/bare_app.py)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE bare_answers (id bigserial PRIMARY KEY, token text NOT NULL, "
                "score int NOT NULL, created_at timestamptz NOT NULL)"
            )
        )
    engine.dispose()


def seed(app, n: int) -> list[str]:
    """One NPS survey and ``n`` customers with an open invitation each; returns the tokens."""
    tokens = [new_token() for _ in range(n)]
    now = clock.now()
    with app.app_context():
        survey_id = make_survey(db.session, "nps").id
        customer_ids = db.session.scalars(
            insert(Customer).returning(Customer.id),
            [{"external_id": f"cap-{i}", "email": f"c{i}@example.com", "locale": "en",
              "timezone": "UTC", "stage": "active", "attributes": {}, "unsubscribed": False,
              "created_at": now, "updated_at": now} for i in range(n)],
        ).all()  # fmt: skip
        db.session.execute(
            insert(Invitation),
            [{"survey_id": survey_id, "customer_id": cid, "token_hash": hash_token(token),
              "status": "sent", "channel": "email", "created_at": now,
              "expires_at": now + app.extensions["kaiku_settings"].invitation_ttl}
             for cid, token in zip(customer_ids, tokens, strict=True)],
        )  # fmt: skip
        db.session.commit()
    return tokens


def serve(target: str, env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", target],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"{target} did not start")


def load(port: int, script: str, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", lua.name,
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(re.search(r"RESULT (\{.*\})", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--invitations", type=int, default=40_000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    url = fresh_database("kaiku_bench_capture")
    app = make_app(url)
    create_bare_table(url)
    flush_redis()
    tokens = seed(app, args.invitations)
    env = bench_env(url, DATABASE_URL=url)
    lua_tokens = ",".join(f'"{t}"' for t in tokens)
    results = {}
    for label, (target, path) in RUNS.items():
        port = free_port()
        server = serve(target, env, port)
        try:
            script = WRK_SCRIPT % {"tokens": lua_tokens, "path": path}
            load(port, script, 3, args.connections)  # warm-up
            results[label] = load(port, script, args.seconds, args.connections)
        finally:
            stop(server)
    flush_redis()
    for label, r in results.items():
        print(
            f"{label:38s} {r['rps']:6.0f} req/s  p50 {r['p50']:5.1f} ms  p99 {r['p99']:5.1f} ms"
            f"  ({r['requests']} requests, {r['non2xx3xx']} non-2xx/3xx, {r['errors']} errors)"
        )
    kaiku = results[KAIKU]["rps"]
    for label in (BARE_CORE, BARE_ORM):
        print(f"Kaiku / {label}: {kaiku / results[label]['rps']:.0%}")
    print(
        f"(gunicorn -w 2 sync, wrk -t2 -c{args.connections}, {args.seconds} s each, "
        f"PostgreSQL, {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
