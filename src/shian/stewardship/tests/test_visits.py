"""督导 by the 五步法: due order, findings → rectification problems, 复查 on the next visit, photos, the
signed cadre link that reaches only that cadre's businesses."""

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shian.inspections.tests.test_browser import png
from shian.rectification.models import Problem
from shian.registry.testing import make_business
from shian.stewardship import services
from shian.stewardship.models import Binding, Cadre, StewardVisit, VisitFinding

PASS = {1: True, 2: True, 3: True}


@pytest.fixture
def bound(cast):
    cadre = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000011")
    businesses = [make_business(cast.town, n, baobao_level="village") for n in (1, 2, 3)]
    for b in businesses:
        Binding.objects.create(cadre=cadre, business=b)
    return cadre, businesses


def visit(cadre, business, actor=None, **kw):
    kw.setdefault("visited_on", timezone.localdate())
    kw.setdefault("results", PASS)
    return services.record_visit(cadre, business, actor=actor, **kw)


def test_due_rows_put_the_overdue_first(cast, bound):
    cadre, (b1, b2, b3) = bound
    today = timezone.localdate()
    StewardVisit.objects.create(cadre=cadre, business=b1, visited_on=today - datetime.timedelta(days=5))
    StewardVisit.objects.create(cadre=cadre, business=b2, visited_on=today - datetime.timedelta(days=60))
    rows = services.due_rows(cadre, today)
    assert [r["business"] for r in rows] == [b2, b3, b1]  # 12 a year: b2 due 30 days after its visit
    assert rows[0]["overdue"] and rows[0]["days"] < 0
    assert not rows[1]["overdue"] and rows[1]["last"] is None  # never visited: due today
    assert rows[2]["due"] == today - datetime.timedelta(days=5) + datetime.timedelta(days=30)


def test_failed_steps_and_recorded_problems_become_findings_and_office_turns_them_into_problems(cast, bound):
    cadre, (b1, *_rest) = bound
    with pytest.raises(ValidationError, match="请写明情况"):
        visit(cadre, b1, results={1: False, 2: True, 3: True})
    v = visit(
        cadre,
        b1,
        results={1: False, 2: True, 3: True},
        notes={1: "许可证未公示"},
        problems="后厨地面积水\n\n留样记录缺三天",
        feedback="限三日内整改",
        feedback_to="王店长",
        latitude="31.094800",
        longitude="105.093500",
        via_link=True,
    )
    texts = list(v.findings.values_list("text", flat=True))
    assert texts == ["证照公示不符合：许可证未公示", "后厨地面积水", "留样记录缺三天"]
    assert Problem.objects.count() == 0  # a cadre through the link: waiting for the office
    assert services.pending_findings().count() == 3
    with pytest.raises(PermissionDenied):
        services.findings_to_problems(v, actor=cast.town_liaison)
    created = services.findings_to_problems(v, actor=cast.office_user)
    assert len(created) == 3
    p = created[1]
    assert p.campaign == cast.campaign and "后厨地面积水" in p.description and b1.name in p.description
    assert p.source == "inspection" and "包保督导" in p.source_detail
    assert services.findings_to_problems(v, actor=cast.office_user) == []  # once only


def test_the_office_recording_a_visit_creates_problems_at_once(cast, bound):
    cadre, (b1, *_rest) = bound
    visit(cadre, b1, actor=cast.office_user, problems="冰箱生熟混放")
    assert Problem.objects.get().description.endswith("冰箱生熟混放")


def test_next_visit_follows_up_open_findings(cast, bound):
    cadre, (b1, b2, _b3) = bound
    first = visit(cadre, b1, actor=cast.office_user, problems="冰箱生熟混放\n无健康证")
    fridge, health = first.findings.all()
    assert set(services.open_findings(b1)) == {fridge, health}
    assert not services.open_findings(b2).exists()
    second = visit(
        cadre, b1, actor=cast.office_user, follow_ups={str(fridge.pk): "fixed", str(health.pk): "not_fixed"}
    )
    fridge.refresh_from_db()
    health.refresh_from_db()
    assert (fridge.status, fridge.checked_in) == ("fixed", second)
    assert fridge.problem.status == "verified" and fridge.problem.verify_method == "onsite"
    assert health.status == "not_fixed" and health.problem.status == "open"
    assert list(services.open_findings(b1)) == [health]  # still shown on the visit after


def test_photos_must_be_images(cast, bound, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cadre, (b1, *_rest) = bound
    photo = SimpleUploadedFile("现场.png", png(40, 30), content_type="image/png")
    v = visit(cadre, b1, photos=[(1, photo)])
    assert v.photos.get().step == 1
    with pytest.raises(ValidationError):
        visit(cadre, b1, photos=[(4, SimpleUploadedFile("a.png", b"not an image at all"))])
    with pytest.raises(ValidationError, match="不是照片"):
        pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        visit(cadre, b1, photos=[(4, pdf)])


def test_only_bound_businesses_and_own_cadre(cast, bound):
    cadre, _ = bound
    stranger = make_business(cast.town, 9, baobao_level="village")
    with pytest.raises(PermissionDenied):
        visit(cadre, stranger)
    with pytest.raises(PermissionDenied):
        visit(cadre, _[0], actor=cast.other_office_user)
    with pytest.raises(ValidationError):
        visit(cadre, _[0], visited_on=timezone.localdate() + datetime.timedelta(days=1))


# ------------------------------------------------------------------------------ the signed link


def test_signed_link_opens_only_that_cadres_businesses(cast, bound, client):
    cadre, (b1, b2, _b3) = bound
    other = Cadre.objects.create(name="另一干部", level="village", region=cast.town, phone="13800000012")
    theirs = make_business(cast.town, 8, baobao_level="village")
    Binding.objects.create(cadre=other, business=theirs)
    token = services.cadre_link_token(cadre)
    page = client.get(f"/baobao/{token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert b1.name in body and theirs.name not in body
    assert client.get(f"/baobao/{token}/{b1.pk}/").status_code == 200
    # other ids: another cadre's business, a business nobody is bound to, a forged or tampered token
    assert client.get(f"/baobao/{token}/{theirs.pk}/").status_code == 404
    assert client.post(f"/baobao/{token}/{theirs.pk}/", {"problems": "x"}).status_code == 404
    assert client.get(f"/baobao/{token}x/").status_code == 404
    assert (
        client.get(f"/baobao/{token.replace(token[3], 'A' if token[3] != 'A' else 'B', 1)}/").status_code
        == 404
    )
    assert not StewardVisit.objects.filter(business=theirs).exists()
    # nothing else of the system opens anonymously
    assert client.get(f"/stewardship/{cadre.pk}/round/").status_code == 302
    assert client.get("/stewardship/visits/").status_code == 302
    r = client.post(
        f"/baobao/{token}/{b1.pk}/",
        {"visited_on": timezone.localdate().isoformat(), "result1": "pass", "problems": "灭蝇灯损坏"},
    )
    assert r.status_code == 302 and f"/baobao/{token}/" in r["Location"]
    assert VisitFinding.objects.get().text == "灭蝇灯损坏"
    assert StewardVisit.objects.get().via_link


def test_link_expires_and_retires_with_a_new_phone(cast, bound, client, monkeypatch):
    cadre, (b1, *_rest) = bound
    token = services.cadre_link_token(cadre)
    later = time.time() + (services.LINK_DAYS + 1) * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert services.cadre_from_token(token) is None
    assert client.get(f"/baobao/{token}/").status_code == 404
    monkeypatch.undo()
    assert services.cadre_from_token(token) == cadre
    cadre.phone = "13900000099"
    cadre.save()
    assert services.cadre_from_token(token) is None
    cadre.is_active = False
    cadre.phone = "13800000011"
    cadre.save()
    assert services.cadre_from_token(token) is None


# ------------------------------------------------------------------------------ signed-in pages


def test_round_pages_for_the_office_and_the_cadre_login(cast, bound, login, django_assert_max_num_queries):
    cadre, (b1, *_rest) = bound
    client = login(cast.office_user)
    with django_assert_max_num_queries(25):
        assert client.get(f"/stewardship/{cadre.pk}/round/").status_code == 200
    assert client.get(f"/stewardship/{cadre.pk}/round/{b1.pk}/").status_code == 200
    r = client.post(f"/stewardship/{cadre.pk}/round/{b1.pk}/", {"result2": "fail", "note2": "无进货台账"})
    assert r.status_code == 302
    v = StewardVisit.objects.get()
    assert Problem.objects.get().description.endswith("制度台账不符合：无进货台账")
    assert client.get(f"/stewardship/visits/{v.pk}/").status_code == 200
    assert client.get("/stewardship/visits/").status_code == 200
    link = client.post(f"/stewardship/{cadre.pk}/link/")
    assert "/baobao/" in link.content.decode() and "30天内有效" in link.content.decode()
    other = login(cast.other_office_user)
    assert other.get(f"/stewardship/{cadre.pk}/round/").status_code == 404
    assert other.get(f"/stewardship/visits/{v.pk}/").status_code == 404
    assert other.post(f"/stewardship/{cadre.pk}/link/").status_code == 404


def test_a_cadre_with_a_login_reaches_their_round(cast, bound, login):
    cadre, (b1, *_rest) = bound
    cadre.user = cast.town_liaison
    cadre.save()
    client = login(cast.town_liaison)
    r = client.get("/stewardship/my/")
    assert r.status_code == 302 and r["Location"].endswith(f"/stewardship/{cadre.pk}/round/")
    assert client.get(f"/stewardship/{cadre.pk}/round/{b1.pk}/").status_code == 200
    assert login(cast.edu_liaison).get(f"/stewardship/{cadre.pk}/round/").status_code == 404
