"""The browser for tests/browser: Debian's chromium driven by Playwright, on the live app and worker
of tests/live.py. Every page a test opens is watched for Content Security Policy violations
(Chromium reports them on the console), and a test with any fails."""

import shutil

import pytest

from tests.conftest import unavailable

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def chromium():
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


class CspWatchedBrowser:
    """The browser, whose every new page and context records the console's CSP violations (of
    the page and of its frames) in ``violations``."""

    def __init__(self, browser) -> None:
        self._browser = browser
        self.violations: list[str] = []

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("console", self._record)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.context.on("console", self._record)
        return page

    def _record(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.location.get('url')}: {message.text}")

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture
def browser(chromium):
    """The browser for one test; the test fails if any page broke the Content-Security-Policy."""
    watched = CspWatchedBrowser(chromium)
    yield watched
    assert watched.violations == [], "\n".join(watched.violations)
