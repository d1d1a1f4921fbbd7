"""Headless Chromium for browser tests: Debian's /usr/bin/chromium when present (CI, this machine),
otherwise the browser Playwright installed (`playwright install chromium` on an ordinary machine)."""

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit
    return shutil.which("chromium") or shutil.which("chromium-browser")


_running: dict = {}


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run. Each test module that imports this fixture registers its
    own session fixture, and a second Playwright cannot start inside the first one's event loop,
    so later modules share the browser the first one launched."""
    if "browser" in _running:
        yield _running["browser"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        _running["browser"] = browser
        try:
            yield browser
        finally:
            _running.pop("browser", None)
            browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str, password: str = "correct-horse-battery"):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
