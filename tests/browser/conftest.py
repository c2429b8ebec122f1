"""Browser fixtures: Debian's Chromium driven by Playwright (see /work/shared/recipes/browser-qr-tests.md).

Every test here is marked ``browser`` and skipped, with the reason, where /usr/bin/chromium or the
``playwright`` package is missing. ``playwright install`` is never needed: we launch the system browser.
"""
import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "the playwright Python package is not installed (pip install playwright)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run browser tests"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh phone-sized page (390×844, touch) whose relative URLs go to the live server."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="zh-CN", base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
