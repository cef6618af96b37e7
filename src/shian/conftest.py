"""Shared pytest fixtures: the fixed cast (see shian.testing) and logged-in clients."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures are keyed by the newest audit id, which a rolled-back test hands to the next one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cast(db):
    from shian.testing import build_cast

    return build_cast()


@pytest.fixture
def login(client):
    """login(user) → a Django test client logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api(db):
    """api(user) → a DRF APIClient authenticated as that user."""
    from rest_framework.test import APIClient

    def _api(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return _api


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, settings):
    """A Playwright page in Debian's headless Chromium, against the live test server.

    Usage: page.goto(live_server.url + "/login/"). Skipped only where Chromium is not installed
    (`./dev test` installs it).
    """
    import os
    import shutil

    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium 未安装（/usr/bin/chromium）")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(15000)
        yield pg
        context.close()
        browser.close()


@pytest.fixture
def browser_login(page, live_server):
    """browser_login(user) → the Playwright page, logged in through the real login form."""
    from shian.testing import PASSWORD

    def _login(user):
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        return page

    return _login
