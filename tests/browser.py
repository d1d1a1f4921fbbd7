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


_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run, however many test modules import this fixture (each import
    is a separate session fixture, and Playwright's sync API cannot be started twice at once)."""
    from playwright.sync_api import sync_playwright

    if not _shared["users"]:
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if not _shared["users"]:
            _shared.pop("browser").close()
            _shared.pop("playwright").stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str, password: str = "correct-horse-battery"):
    """Password, then the authenticator code, as a person signs in (the device is made for them)."""
    from django.contrib.auth import get_user_model

    from .auth import authenticator_for, current_code

    device = authenticator_for(get_user_model().objects.get(username=username))
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    try:
        page.wait_for_url("**/")
    except Exception:
        page.screenshot(path=f"test-artifacts/sign-in-failed-{username}.png", full_page=True)
        raise
