import datetime

from django.utils import timezone

from shian.rectification.models import Problem
from shian.rectification.tests.test_services import make_problem


def test_unit_reports_and_office_verifies_on_pages(cast, login):
    p = make_problem(cast)
    client = login(cast.edu_liaison)
    assert (
        client.post(f"/rectification/{p.pk}/progress/", {"text": "已部署"}).status_code == 400
    )  # no version
    assert (
        client.post(f"/rectification/{p.pk}/progress/", {"text": "已部署", "version": 1}).status_code == 302
    )
    assert (
        client.post(f"/rectification/{p.pk}/submit/", {"text": "全部完成", "version": 1}).status_code == 400
    )
    assert (
        client.post(f"/rectification/{p.pk}/submit/", {"text": "全部完成", "version": 2}).status_code == 302
    )
    assert (
        client.post(
            f"/rectification/{p.pk}/verify/", {"method": "onsite", "note": "x", "version": 3}
        ).status_code
        == 403
    )
    office = login(cast.office_user)
    body = office.get(f"/rectification/{p.pk}/").content.decode()
    assert 'id="verify-form"' in body and 'name="version" value="3"' in body
    assert (
        office.post(
            f"/rectification/{p.pk}/verify/", {"method": "onsite", "note": "抽查属实", "version": 3}
        ).status_code
        == 302
    )
    p.refresh_from_db()
    assert p.status == "verified"
    bad = office.post(f"/rectification/{p.pk}/reopen/", {"reason": ""})
    assert bad.status_code == 400


def test_office_creates_problem_on_page(cast, login):
    response = login(cast.office_user).post(
        "/rectification/add/",
        {
            "campaign": cast.campaign.pk,
            "description": "网络餐饮未使用食安封签",
            "source": "complaint",
            "unit": cast.market.pk,
            "severity": "orange",
            "found_on": "2026-11-01",
            "deadline": "2026-12-01",
            "items": [cast.items[2].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    p = Problem.objects.get()
    assert p.seq == 1 and list(p.items.all()) == [cast.items[2]]


def test_list_filters_overdue_and_exports(cast, login):
    today = timezone.localdate()
    make_problem(cast, description="逾期的问题", deadline=today - datetime.timedelta(days=3))
    make_problem(cast, description="未到期的问题")
    client = login(cast.office_user)
    body = client.get("/rectification/?status=overdue").content.decode()
    assert "逾期的问题" in body and "未到期的问题" not in body
    xlsx = client.get("/rectification/?status=overdue&export=ledger")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    assert client.get("/rectification/?export=xlsx").status_code == 200


def test_stats_page_and_import_page(cast, login):
    make_problem(cast)
    client = login(cast.office_user)
    body = client.get("/rectification/stats/").content.decode()
    assert "三台县教育局" in body
    from shian.rectification.tests.test_ledger import GOOD, _ledger

    response = client.post("/rectification/import/", {"campaign": cast.campaign.pk, "file": _ledger(GOOD)})
    assert response.status_code == 302
    assert Problem.objects.count() == 3


def test_escalate_button_and_summons_record(cast, login):
    make_problem(cast, deadline=timezone.localdate() - datetime.timedelta(days=20))
    client = login(cast.office_user)
    assert client.post("/rectification/escalate/").status_code == 302
    p = Problem.objects.get()
    assert p.escalation == 3
    url = f"/rectification/summons/{p.summons_id}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "reason": "逾期",
            "held_on": "2026-11-20",
            "convener": "李县长",
            "attendees": "赵局长",
            "outcome": "限期10日",
            "edit_version": p.summons.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    p.summons.refresh_from_db()
    assert p.summons.status == "held"


def test_problem_list_bounded_queries(cast, login, django_assert_max_num_queries):
    for i in range(30):
        make_problem(cast, description=f"问题{i}")
    client = login(cast.office_user)
    with django_assert_max_num_queries(12):
        assert client.get("/rectification/").status_code == 200
