"""The page cache serves a kept page only while nothing it read has been written, and only to its reader.

Transactional: the bumps must commit (or roll back) with the writes, as they do in production.
"""

import datetime

import pytest
from django.contrib import messages
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import connection, transaction

from shian.core import pagecache
from shian.workplan.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache(settings):
    settings.SHIAN_PAGE_CACHE = True
    cache.clear()
    pagecache.install(connection=connection)
    yield
    connection.execute_wrappers.remove(pagecache._track_writes)
    cache.clear()


def _task(cast, title="甲任务"):
    return Task.objects.create(
        campaign=cast.campaign,
        item=cast.items[0],
        unit=cast.market,
        title=title,
        deadline=datetime.date(2027, 3, 1),
    )


def _get(client, url="/tasks/"):
    resp = client.get(url)
    assert resp.status_code == 200
    return resp, resp.get("X-Page-Cache")


def _warm(client, url="/tasks/"):
    """The first visit sets the CSRF cookie (not kept), the second keeps the page, the third is served."""
    _get(client, url)
    assert _get(client, url)[1] == "miss"
    resp, state = _get(client, url)
    assert state == "hit"
    return resp


def test_a_kept_page_is_served_until_a_table_it_read_is_written(cast, login, page_cache):
    task = _task(cast)
    client = login(cast.office_user)
    assert "甲任务" in _warm(client).content.decode()
    Task.objects.filter(pk=task.pk).update(title="乙任务")  # a bulk update: no save(), no signal
    resp, state = _get(client)
    assert state == "miss"
    assert "乙任务" in resp.content.decode() and "甲任务" not in resp.content.decode()
    assert _get(client)[1] == "hit"


def test_a_write_to_an_unrelated_table_keeps_the_page(cast, login, page_cache):
    _task(cast)
    client = login(cast.office_user)
    _warm(client)
    pagecache.touch("surveys_response")
    assert _get(client)[1] == "hit"


def test_a_rolled_back_write_leaves_the_page_and_a_rolled_back_savepoint_does_not_hide_a_later_write(
    cast, login, page_cache
):
    task = _task(cast)
    client = login(cast.office_user)
    _warm(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(title="不存在的标题")
        raise RuntimeError
    assert _get(client)[1] == "hit"
    with transaction.atomic():
        try:
            with transaction.atomic():
                Task.objects.filter(pk=task.pk).update(title="回滚的标题")
                raise RuntimeError
        except RuntimeError:
            pass
        Task.objects.filter(pk=task.pk).update(title="丙任务")  # same table, same transaction, after it
    resp, state = _get(client)
    assert state == "miss" and "丙任务" in resp.content.decode()


def test_writes_that_pass_the_cursor_by_say_so_with_touch(cast, login, page_cache):
    _task(cast)
    client = login(cast.office_user)
    _warm(client)
    pagecache.touch(Task._meta.db_table)
    assert _get(client)[1] == "miss"


def test_each_reader_gets_their_own_page(cast, login, client, page_cache):
    _task(cast)
    _warm(login(cast.office_user))
    client.logout()
    other = login(cast.other_office_user)
    _get(other)
    resp, state = _get(other)
    assert state == "miss"  # another key, never the office's page
    assert "甲任务" not in resp.content.decode()


def test_a_page_with_a_message_is_neither_kept_nor_served_from_the_cache(cast, login, page_cache, rf):
    _task(cast)
    client = login(cast.office_user)
    _warm(client)
    # a message waits in the session (as after a redirect): the page must show it, so it is rendered
    request = rf.get("/")
    request.session = client.session
    storage = SessionStorage(request)
    storage.add(messages.SUCCESS, "已保存。")
    storage.update(None)
    request.session.save()
    resp, state = _get(client)
    assert state is None and "已保存" in resp.content.decode()
    assert _get(client)[1] == "hit"  # the message shown, the kept page again


def test_the_clock_is_part_of_the_key(cast, login, page_cache, monkeypatch):
    _task(cast)
    client = login(cast.office_user)
    _warm(client)
    real = pagecache.time.time
    monkeypatch.setattr(pagecache.time, "time", lambda: real() + pagecache.CLOCK_SECONDS)
    assert _get(client)[1] == "miss"  # 逾期 and "N 天前" move with the day: at most five minutes old


def test_off_means_no_tracking_and_no_keeping(cast, login, settings):
    settings.SHIAN_PAGE_CACHE = False
    pagecache.install(connection=connection)
    assert pagecache._track_writes not in connection.execute_wrappers
    _task(cast)
    client = login(cast.office_user)
    for _ in range(3):
        assert _get(client)[1] is None
