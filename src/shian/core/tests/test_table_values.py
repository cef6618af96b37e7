"""The fast export path gives exactly what django-tables2's `as_values()` gives, on every list page."""

import datetime

import django_tables2 as tables
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from shian.core import views as core_views
from shian.core.table_values import export_values
from shian.core.tests.world import build_world
from shian.core.views import ObjectListView


def _list_urls(resolver=None, prefix=""):
    """Every ObjectListView route without arguments, as a path."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _list_urls(p, route)
        elif isinstance(p, URLPattern):
            cls = getattr(p.callback, "view_class", None)
            if cls and issubclass(cls, ObjectListView) and "<" not in route and "(" not in route:
                yield "/" + route.lstrip("^").rstrip("$")


@pytest.fixture
def compared(monkeypatch):
    """Every export made during the test also runs through as_values(); the two must be equal."""
    seen = []

    def both(table, exclude_columns=()):
        fast = list(export_values(table, exclude_columns))
        slow = list(table.as_values(exclude_columns=exclude_columns))
        assert fast == slow, type(table).__name__
        seen.append((type(table).__name__, len(fast) - 1))
        return iter(fast)

    monkeypatch.setattr(core_views, "export_values", both)
    return seen


def test_every_list_export_equals_as_values(cast, login, compared, settings, tmp_path, caplog):
    """…and without a query per row: a column reading a relation the lean rows no longer join is logged."""
    settings.MEDIA_ROOT = tmp_path
    build_world(cast)
    urls = sorted(set(_list_urls()))
    assert len(urls) > 20
    for user in (cast.admin, cast.office_user):
        client = login(user)
        for url in urls:
            resp = client.get(url, {"export": "xlsx"})
            assert resp.status_code in (200, 302, 403, 404), (url, resp.status_code)
    tables_with_rows = {name for name, rows in compared if rows}
    assert len(tables_with_rows) > 15, compared
    per_row = [r.getMessage() for r in caplog.records if "逐行查询" in r.getMessage()]
    assert not per_row, per_row


class _Record:
    """Not a model: the fast path must hand such records to django-tables2."""

    def __init__(self, name):
        self.name = name


class _Table(tables.Table):
    name = tables.Column()
    day = tables.DateColumn(format="Y-m-d", accessor="name")
    shout = tables.Column(accessor="name")

    def value_shout(self, value, record):
        return f"{value}!"


def test_records_that_are_not_models_fall_back_to_django_tables2():
    table = _Table([_Record("甲"), _Record(""), _Record(datetime.date(2026, 12, 2))])
    assert list(export_values(table)) == list(table.as_values())
