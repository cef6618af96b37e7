"""A sweep for leaks: the other county's office opens every page and API endpoint that takes an id,
for every id in use, and no business data of 三台县 may appear in any answer.

Marker strings are names and titles that exist only in 三台县's part of the test cast.
"""

import re

from django.urls import URLPattern, URLResolver, get_resolver

MARKERS = [
    "三台县教育局",
    "三台县市场监督管理局",
    "完成年度抽检任务",
    "王主任",
    "三台县创建省级食品安全示范县",
    "张联络员",
]


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _leaks(body: str):
    return [m for m in MARKERS if m in body]


def test_other_county_sees_no_business_data_of_ours(cast, login, api):
    web = login(cast.other_office_user)
    rest = api(cast.other_office_user)
    from django.apps import apps

    # Every id in use by any shian model (sequences differ between SQLite and PostgreSQL runs).
    ids = sorted(
        {
            pk
            for m in apps.get_app_configs()
            if m.name.startswith("shian.")
            for model in m.get_models()
            for pk in model._default_manager.values_list("pk", flat=True)
            if isinstance(pk, int)
        }
    )
    checked = 0
    for pattern in _patterns():
        if (
            pattern.startswith(("admin/", "api/schema", "api/docs", "api/redoc", "static/"))
            or "(?P<format>" in pattern
        ):
            continue
        ints = re.findall(r"<int:(\w+)>", pattern)
        if len(ints) != 1 or re.search(r"<(?:str|slug|path):", pattern):
            continue
        for pk in ids:
            path = "/" + re.sub(r"<int:\w+>", str(pk), pattern)
            client = rest if path.startswith("/api/") else web
            response = client.get(path)
            if response.status_code != 200 or not hasattr(response, "content"):
                continue
            body = response.content.decode("utf-8", errors="ignore")
            assert not _leaks(body), f"{path} shows {_leaks(body)}"
            checked += 1
    assert checked > 50  # the sweep really opened pages (ids of its own county and public ones)


def test_other_county_api_lists_show_none_of_our_data(cast, api):
    rest = api(cast.other_office_user)
    root = rest.get("/api/").json()
    assert len(root) > 10
    for name, url in root.items():
        response = rest.get(url)
        if response.status_code != 200:
            continue
        body = response.content.decode()
        assert not _leaks(body), f"/api/{name}/ shows {_leaks(body)}"


def test_markers_are_visible_to_their_own_county(cast, login):
    """The control: the markers do show where they belong, so their absence above means something."""
    body = login(cast.office_user).get(f"/tasks/{cast.market_task.pk}/").content.decode()
    assert "完成年度抽检任务" in body and "三台县市场监督管理局" in body
