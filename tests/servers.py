"""Real servers for tests: an SMTP server (aiosmtpd) that keeps what it receives, and a
``celery -A worker worker`` process."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts; ``reject`` refuses recipients."""

    def __init__(self) -> None:
        self.messages = []
        self.recipients: list[str] = []
        self.reject: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject:
            return self.reject
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_servers(port: int) -> Iterator:
    """Yields ``start() -> Inbox``, which starts an SMTP server on ``port`` when a test says so
    (so a test can first see what happens while it is down); all are stopped afterwards."""
    controllers = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return inbox

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


class CeleryWorker:
    """A running ``celery -A <app> worker`` (2 processes) in a process group of its own, so
    ``kill()`` takes the main process and its children at once, as a lost machine would."""

    def __init__(self, name: str, env: dict[str, str], *args: str, app: str = "worker") -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"{name}.log"
        with open(self.log_path, "w") as log_file:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", app, "worker", "--loglevel=INFO",
                 "--concurrency=2", "--without-gossip", "--without-mingle",
                 "--hostname", f"{name}-{os.getpid()}@%h", *args],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def wait_ready(self) -> None:
        """:raises pytest.fail: the worker did not report ready within a minute."""
        deadline = time.monotonic() + 60
        while "ready." not in self.log_path.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the Celery worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text()

    def kill(self) -> None:
        """SIGKILL to the whole worker: nothing is acknowledged or given back."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        """A warm shutdown; a kill if it takes longer than 20 s."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def celery_worker(
    name: str, env: dict[str, str], *args: str, app: str = "worker"
) -> Iterator[Path]:
    """Run ``celery -A <app> worker`` (2 processes) until the block ends; yields its log path.

    :raises pytest.fail: the worker did not report ready within a minute.
    """
    worker = CeleryWorker(name, env, *args, app=app)
    try:
        worker.wait_ready()
        yield worker.log_path
    finally:
        worker.stop()
