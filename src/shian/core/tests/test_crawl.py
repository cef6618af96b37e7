"""Every page a role reaches from the navigation answers without a server error; key pages load in
Chromium without a console error; the favicon is served; the API docs are in the admin's and office's
menu only."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from shian.core.tests.test_api_fuzz import enrich

HREF = re.compile(r'href="([^"#]*)"')
SKIP = ("/logout/", "/static/", "/media/", "/api/", "/admin/logout/", "/password/")
MAX_PAGES = 70  # per role: the nav, its lists, and a sample of the detail pages they link to
MAX_PER_PREFIX = 4  # at most this many pages under one list (/tasks/1/, /tasks/2/ … are alike)


def links(html, base):
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP) or "export=" in parts.query:
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client):
    """Breadth-first from the home page; returns {url: status} for every page visited."""
    seen, statuses, per_prefix = {"/"}, {}, {}
    queue = deque(["/"])
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links(response.content.decode(), url):
            prefix = re.sub(r"\d+.*", "", link.split("?")[0])
            if link in seen or per_prefix.get(prefix, 0) >= MAX_PER_PREFIX:
                continue
            seen.add(link)
            per_prefix[prefix] = per_prefix.get(prefix, 0) + 1
            queue.append(link)
    return statuses


@pytest.mark.parametrize("role", ["admin", "office_user", "leader", "edu_liaison", "expert"])
def test_no_page_reachable_from_the_nav_is_a_server_error(cast, client, role):
    enrich(cast)
    client.force_login(getattr(cast, role))
    statuses = crawl(client)
    assert len(statuses) > 8, statuses
    errors = {url: code for url, code in statuses.items() if code >= 500}
    assert not errors, errors


def test_the_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_the_api_docs_are_in_the_admins_and_offices_menu_only(cast, client):
    for role, shown in [
        ("admin", True),
        ("office_user", True),
        ("leader", False),
        ("edu_liaison", False),
        ("expert", False),
    ]:
        client.force_login(getattr(cast, role))
        assert ('href="/api/docs/"' in client.get("/").content.decode()) is shown, role


@pytest.mark.browser
def test_key_pages_load_without_a_console_error(cast, browser_login, live_server):
    enrich(cast)
    page = browser_login(cast.admin)
    problems = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for path in [
        "/",
        "/dashboard/",
        "/tasks/",
        "/evidence/",
        "/evidence/matrix/",
        "/scoring/",
        "/rectification/",
        "/campaigns/",
        f"/campaigns/{cast.campaign.pk}/",
        "/admin/",
        "/api/docs/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert not problems, (path, problems)
