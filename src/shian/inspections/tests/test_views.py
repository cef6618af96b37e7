import io
import json

import openpyxl
from django.core.management import call_command

from shian.inspections.checklists import export_checklists, import_checklists
from shian.inspections.models import Checklist, InspectionPlan
from shian.inspections.testing import PNG, complete, drawn_plan_with_visits, make_checklists, seed_registry
from shian.registry.models import SiteCategory


def test_office_creates_a_plan_and_draws_it_on_the_page(cast, login):
    seed_registry(cast)
    client = login(cast.office_user)
    school = SiteCategory.objects.get(code="school")
    response = client.post(
        "/inspections/add/",
        {
            "campaign": cast.campaign.pk,
            "name": "第一轮模拟评审",
            "stage": "mock",
            "mode": "open",
            "areas": [cast.town.pk],
            "exclude_visited_days": 0,
            "risk_share": "0",
            "reserves": 1,
            f"quota_{school.code}": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = InspectionPlan.objects.get(name="第一轮模拟评审")
    response = client.post(f"/inspections/{plan.pk}/draw/", {"seed": "123"})
    assert response.status_code == 302
    page = client.get(f"/inspections/{plan.pk}/").content.decode()
    assert "种子 <code>123</code>" in page and "学校食堂" in page
    plan.refresh_from_db()
    data = client.get(f"/inspections/{plan.pk}/record.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["抽取记录", "抽取结果", "候选快照"]
    cells = [c.value for row in wb["抽取记录"].iter_rows() for c in row]
    assert "123" in cells and plan.snapshot_hash in [c for c in cells if c]


def test_a_shortfall_is_shown_on_the_page(cast, login):
    seed_registry(cast, per_category=1)
    client = login(cast.office_user)
    from shian.inspections.testing import make_plan

    plan = make_plan(cast)
    response = client.post(f"/inspections/{plan.pk}/draw/", {"seed": "1"})
    assert response.status_code == 400
    assert "符合条件的点位只有1个，少于配额3个" in response.content.decode()


def test_the_plan_page_has_bounded_queries(cast, login, django_assert_max_num_queries):
    plan, visits = drawn_plan_with_visits(cast)
    for v in visits[:2]:
        complete(v, cast.expert, fail_seq=(1,))
    client = login(cast.office_user)
    with django_assert_max_num_queries(40):
        assert client.get(f"/inspections/{plan.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/inspections/").status_code == 200


def test_an_inspector_sees_only_their_assigned_visits(cast, login, api):
    plan, visits = drawn_plan_with_visits(cast, inspector=cast.expert)
    client = login(cast.edu_liaison)
    assert client.get(f"/inspections/visits/{visits[0].pk}/").status_code == 404
    assert client.get(f"/inspections/visits/{visits[0].pk}/fill/").status_code == 404
    assert (
        client.post(
            f"/inspections/visits/{visits[0].pk}/sync/", "{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/inspections/{plan.pk}/").status_code == 404
    assert api(cast.edu_liaison).get("/api/visits/").json()["count"] == 0
    expert = login(cast.expert)
    page = expert.get("/inspections/visits/").content.decode()
    assert visits[0].business.name in page
    assert expert.get(f"/inspections/visits/{visits[0].pk}/fill/").status_code == 200
    assert api(cast.expert).get("/api/visits/").json()["count"] == len(visits)


def test_the_other_county_reaches_none_of_our_inspections(cast, login, api):
    plan, visits = drawn_plan_with_visits(cast)
    complete(visits[0], cast.expert)
    photo = visits[0].photos.first()
    client = login(cast.other_office_user)
    for url in (
        f"/inspections/{plan.pk}/",
        f"/inspections/{plan.pk}/edit/",
        f"/inspections/{plan.pk}/record.xlsx",
        f"/inspections/visits/{visits[0].pk}/",
        f"/inspections/visits/{visits[0].pk}/signature/",
        f"/inspections/photos/{photo.pk}/",
        f"/core/audit/inspections/inspectionplan/{plan.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/inspections/{plan.pk}/draw/", {"seed": 1}).status_code == 404
    assert client.post(f"/inspections/visits/{visits[0].pk}/problems/").status_code == 404
    site = plan.sites.first()
    assert client.post(f"/inspections/sites/{site.pk}/replace/", {"reason": "x"}).status_code == 404
    a = api(cast.other_office_user)
    assert a.get(f"/api/inspection-plans/{plan.pk}/").status_code == 404
    assert a.post(f"/api/inspection-plans/{plan.pk}/draw/", {"seed": 1}, format="json").status_code == 404
    assert a.get(f"/api/visits/{visits[0].pk}/").status_code == 404


def test_the_sync_endpoint_saves_and_submits(cast, login):
    _plan, visits = drawn_plan_with_visits(cast)
    v = visits[0]
    items = list(v.checklist.items.all())
    client = login(cast.expert)
    body = {"answers": {str(i.pk): {"result": "pass"} for i in items}}
    r = client.post(f"/inspections/visits/{v.pk}/sync/", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    body["submit"] = True
    r = client.post(f"/inspections/visits/{v.pk}/sync/", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and any("须拍照" in e for e in r.json()["errors"])
    body["photos"] = [{"id": f"p{i.pk}", "item": i.pk, "data": PNG} for i in items if i.photo_required]
    body["signature"] = PNG
    r = client.post(f"/inspections/visits/{v.pk}/sync/", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["score"] == "100.0"


def test_checklists_round_trip_through_xlsx_and_version(cast, login):
    make_checklists(("school",))
    data = export_checklists(Checklist.objects.current().prefetch_related("items"))
    again = import_checklists(io.BytesIO(data), actor=cast.office_user)
    assert [c.version for c in again] == [1]  # unchanged content: no new version
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active.cell(row=2, column=6).value = 8
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    (new,) = import_checklists(buf, actor=cast.office_user)
    assert new.version == 2 and new.is_current and new.items.get(seq=1).points == 8
    assert Checklist.objects.filter(category__code="school", is_current=True).count() == 1
    page = login(cast.office_user).get("/inspections/checklists/").content.decode()
    assert "学校食堂现场检查表" in page


def test_the_checklist_import_names_bad_rows(cast, login):
    wb = openpyxl.Workbook()
    wb.active.append(["业态", "序号", "检查内容", "分值", "类型"])
    wb.active.append(["火锅城", 1, "证照齐全", 5, "检查项"])
    wb.active.append(["学校食堂", "一", "证照齐全", 5, "检查"])
    wb.active.append(["学校食堂", 2, "留样", 5, "闲聊"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "表.xlsx"
    r = login(cast.office_user).post("/inspections/checklists/import/", {"file": buf})
    text = r.content.decode()
    assert r.status_code == 400 and "火锅城" in text and "第3行B列" in text and "能问能答" in text
    assert not Checklist.objects.exists()


def test_the_command_prints_the_draw_by_stratum(cast, tmp_path, capsys):
    from shian.inspections.testing import make_plan

    seed_registry(cast)
    plan = make_plan(cast)
    out = tmp_path / "记录.xlsx"
    call_command("draw-sites", str(plan.pk), "--seed", "8", "-o", str(out))
    text = capsys.readouterr().out
    assert "【学校食堂（潼川镇）】" in text and "种子 8" in text and out.exists()
    call_command("draw-sites", str(plan.pk), "--seed", "8")
    assert capsys.readouterr().out.splitlines()[:12] == text.splitlines()[:12]
