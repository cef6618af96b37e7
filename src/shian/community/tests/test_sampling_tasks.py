"""你点我检 → 抽检任务: the office turns the most-voted options into planned samplings, links the ledger's
record as each one's result, and the public page shows the result — and nothing else of the system."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.test import Client
from django.utils import timezone

from shian.community import services
from shian.community.models import PollOption, SamplingTask
from shian.community.testing import make_poll
from shian.supervision.models import SamplingRecord


def voted(cast, status="closed"):
    poll = make_poll(cast.county, status=status, options=("月饼", "散装白酒", "学校食堂", "无人问津"))
    for name, n in (("月饼", 5), ("散装白酒", 9), ("学校食堂", 2)):
        PollOption.objects.filter(poll=poll, name=name).update(votes=F("votes") + n)
    return poll


def sample(cast, number="SC-9", product="月饼（广式）", result="不合格", region=None, **kw):
    return SamplingRecord.objects.create(
        number=number,
        region=region or cast.town,
        sampled_on=timezone.localdate(),
        product=product,
        sampled_unit=kw.pop("sampled_unit", "潼川镇某超市"),
        task_type="监督抽检",
        result=result,
        failed_items=kw.pop("failed_items", "脱氢乙酸"),
        **kw,
    )


def test_the_top_options_become_sampling_tasks(cast):
    poll = voted(cast)
    tasks = services.plan_top_options(poll, count=2, actor=cast.office_user, unit=cast.market)
    assert [t.product for t in tasks] == ["散装白酒", "月饼"]
    assert all(t.status == "planned" and t.region == cast.county and t.unit == cast.market for t in tasks)
    assert set(poll.options.filter(chosen=True).values_list("name", flat=True)) == {"散装白酒", "月饼"}
    # Again: the next ones not yet planned; an option nobody voted for is never planned.
    assert [t.product for t in services.plan_top_options(poll, count=5, actor=cast.office_user)] == [
        "学校食堂"
    ]
    with pytest.raises(ValidationError):
        services.plan_top_options(poll, count=5, actor=cast.office_user)


def test_planning_waits_for_the_vote_and_is_the_offices(cast):
    with pytest.raises(ValidationError):
        services.plan_top_options(voted(cast, status="open"), count=1, actor=cast.office_user)
    poll = voted(cast)
    for user in (cast.other_office_user, cast.leader, cast.edu_liaison):
        with pytest.raises(PermissionDenied):
            services.plan_top_options(poll, count=1, actor=user)
    with pytest.raises(ValidationError):
        services.plan_top_options(poll, count=1, actor=cast.office_user, unit=cast.other_market)


def test_the_ledger_record_is_linked_and_becomes_the_result(cast):
    poll = voted(cast)
    task = services.plan_top_options(poll, count=2, actor=cast.office_user)[1]  # 月饼
    match = sample(cast)
    sample(cast, number="SC-X", product="白菜")
    assert [c.number for c in services.sampling_candidates(task)] == ["SC-9"]
    foreign = sample(cast, number="SC-O", region=cast.other_county)
    with pytest.raises(ValidationError):
        services.link_sampling(task, foreign, actor=cast.office_user, expected_version=task.version)
    task = services.link_sampling(task, match, actor=cast.office_user, expected_version=task.version)
    assert task.status == "done" and task.sampling == match
    option = task.option
    option.refresh_from_db()
    assert option.sampling == match and option.result == "不合格（不合格项目：脱氢乙酸）"


def test_the_office_plans_and_links_on_the_poll_page(cast, login):
    poll = voted(cast)
    client = login(cast.office_user)
    r = client.post(poll.get_absolute_url(), {"action": "plan_top", "count": "1", "task_type": "监督抽检"})
    assert r.status_code == 302
    task = SamplingTask.objects.get()
    assert task.product == "散装白酒"
    sample(cast, number="SC-B", product="散装白酒", result="合格", failed_items="")
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "可能匹配：SC-B" in page
    client.post(
        poll.get_absolute_url(),
        {"action": "link", "task": task.pk, "sampling": "SC-B", "version": task.version},
    )
    task.refresh_from_db()
    assert task.sampling.number == "SC-B"
    # The other county's office reaches neither the poll nor its task.
    other = login(cast.other_office_user)
    assert other.post(poll.get_absolute_url(), {"action": "plan_top", "count": "1"}).status_code == 404


def test_the_public_page_shows_the_result_and_reaches_nothing_else(cast):
    poll = voted(cast)
    task = services.plan_top_options(poll, count=2, actor=cast.office_user)[1]
    record = sample(cast)
    services.link_sampling(task, record, actor=cast.office_user, expected_version=task.version)
    poll.refresh_from_db()
    services.set_poll_status(poll, "published", actor=cast.office_user, expected_version=poll.version)
    anon = Client()
    page = anon.get(poll.public_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "月饼" in html and "不合格（不合格项目：脱氢乙酸）" in html and "抽样" in html
    # Nothing of the ledger beyond the conclusion and the date: no record number, no sampled unit, no link.
    assert "SC-9" not in html and "潼川镇某超市" not in html and "/supervision/" not in html
    assert f"/community/polls/{poll.pk}" not in html
    # Trying: the sampling record, the poll's office page, the task, the API — all need a login.
    for url in (
        record.get_absolute_url(),
        poll.get_absolute_url(),
        task.get_absolute_url(),
        f"/api/sampling-records/{record.pk}/",
        "/api/polls/",
    ):
        r = anon.get(url)
        assert r.status_code in (302, 401, 403, 404), url
        assert "脱氢乙酸" not in r.content.decode()
    # A guessed token, and the poll's id in place of its token, are 404.
    assert anon.get(poll.public_url().replace(poll.token, "x" * len(poll.token))).status_code == 404
    assert anon.get(poll.public_url().replace(poll.token, str(poll.pk))).status_code == 404
    # Posting a task or a link as a resident does nothing.
    anon.post(poll.public_url(), {"action": "link", "task": task.pk, "sampling": "SC-9"})
    anon.post(poll.public_url(), {"action": "plan_top", "count": "3"})
    assert SamplingTask.objects.count() == 2


def test_the_api_plans_and_links_with_the_pages_rules(cast, api):
    poll = voted(cast)
    office = api(cast.office_user)
    r = office.post(
        f"/api/community/polls/{poll.pk}/plan/", {"count": 2, "unit": cast.market.pk}, format="json"
    )
    assert r.status_code == 200, r.content
    assert [t["product"] for t in r.json()] == ["散装白酒", "月饼"]
    task = SamplingTask.objects.get(product="月饼")
    record = sample(cast)
    r = office.post(
        f"/api/community/sampling-tasks/{task.pk}/link/", {"sampling": record.pk, "version": 1}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    stale = office.post(
        f"/api/community/sampling-tasks/{task.pk}/link/", {"sampling": record.pk, "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert office.get("/api/community/sampling-tasks/").json()["count"] == 2
    # the other county sees no task and cannot plan; a liaison reads, never plans or links; no create
    other = api(cast.other_office_user)
    assert other.get("/api/community/sampling-tasks/").json()["count"] == 0
    assert other.post(f"/api/community/polls/{poll.pk}/plan/", {"count": 1}, format="json").status_code == 404
    liaison = api(cast.edu_liaison)
    assert liaison.post(f"/api/community/polls/{poll.pk}/plan/", {"count": 1}, format="json").status_code in (
        403,
        404,
    )
    assert office.post("/api/community/sampling-tasks/", {}, format="json").status_code == 405
    # a unit the office cannot see, or another county's record, is refused by name
    bad = office.post(
        f"/api/community/polls/{poll.pk}/plan/", {"count": 1, "unit": cast.other_market.pk}, format="json"
    )
    assert bad.status_code == 400 and "unit" in bad.json()
