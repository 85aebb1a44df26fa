"""The production server's request limits (gunicorn.conf.py), on a real gunicorn process: the
longest legitimate request line reaches Kaiku, a longer one is refused at once, as are too many
header fields; neither hangs nor reaches the app."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.live import worker_env
from tests.servers import ARTIFACTS, ROOT, free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def gunicorn(live_config) -> Iterator[int]:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` as in production, one worker on a free port."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "gunicorn-limits.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
             "-b", f"127.0.0.1:{port}", "-w", "1", "wsgi:app"],
            cwd=ROOT, env=worker_env(live_config), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while not status_of(port, b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n", fail=False):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def status_of(port: int, request: bytes, *, fail: bool = True) -> int | None:
    """Send ``request`` raw; the status code of the answer (within 10 s, or the test fails)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(request)
            answer = b""
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
    except OSError:
        if fail:
            raise
        return None
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None


def get(target: str, extra_headers: int = 0) -> bytes:
    """A GET with Host, Connection and ``extra_headers`` more header fields."""
    extra = "".join(f"X-Extra-{i}: {i}\r\n" for i in range(extra_headers))
    return f"GET {target} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n".encode()


def test_the_longest_legitimate_request_line_reaches_kaiku(gunicorn):
    # An API look-up by the longest external id, every character 4 bytes, with the filters.
    external_id = quote("😀" * 255)
    target = f"/api/v1/invitations?customer={external_id}&survey=123456&status=scheduled&limit=100"
    assert len(get(target).split(b"\r\n")[0]) > 3000

    assert status_of(gunicorn, get(target)) == 401  # Kaiku's answer: no API key


def test_a_10_kb_request_line_is_refused_at_once(gunicorn):
    started = time.monotonic()

    assert status_of(gunicorn, get("/s/" + "a" * 10_240)) == 414
    assert time.monotonic() - started < 5


def test_too_many_header_fields_are_refused(gunicorn):
    assert status_of(gunicorn, get("/login", extra_headers=40)) == 200
    assert status_of(gunicorn, get("/login", extra_headers=60)) == 431
