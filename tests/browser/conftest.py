"""The browser for tests/browser: Debian's chromium driven by Playwright, on the live app and worker
of tests/live.py."""

import shutil

import pytest

from tests.conftest import unavailable

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (which never downloads a browser of its own)."""
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("chromium is not installed (scripts/test installs it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (scripts/bootstrap dev)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
