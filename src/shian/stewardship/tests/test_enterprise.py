"""企业账号: opened by the office / township, confined to its own business's 主体责任 (page, API, exports);
the 总监/安全员, the 风险管控清单, its records, its 三张清单, and the signed scan from the cadre's link."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shian.core.models import AuditLog
from shian.core.registry import navigation
from shian.organisation.choices import Role
from shian.registry.testing import make_business
from shian.stewardship import enterprise
from shian.stewardship.models import Binding, BusinessAccount, Cadre, DutyRecord, RiskControl

PASSWORD = "Qiye#2026start"


@pytest.fixture
def setup(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine = make_business(cast.town, 1, safety_director="王总监", baobao_level="village")
    theirs = make_business(cast.town, 2, safety_director="李总监")
    far = make_business(cast.other_county, 3, safety_director="赵总监")
    account = enterprise.open_business_account(
        mine, actor=cast.office_user, username="biz01", password=PASSWORD, name="王总监"
    )
    user = account.user
    DutyRecord.objects.create(business=theirs, kind="daily", period=timezone.localdate(), done_by="李总监")
    DutyRecord.objects.create(business=far, kind="daily", period=timezone.localdate(), done_by="赵总监")
    RiskControl.objects.create(business=theirs, risk="他家冷库", measures="测温")
    return cast, mine, theirs, far, user


def fresh(user):
    from shian.organisation.models import User

    return User.objects.get(pk=user.pk)  # business_scope_id is cached per instance


def test_the_office_opens_an_account_that_must_change_its_password(setup):
    cast, mine, *_, user = setup
    user = fresh(user)
    assert user.role == Role.BUSINESS and user.unit is None
    assert user.must_change_password and user.check_password(PASSWORD)
    assert user.business_scope_id == mine.pk
    with pytest.raises(ValidationError) as exc:
        enterprise.open_business_account(mine, actor=cast.office_user, username="BIZ01", password=PASSWORD)
    assert "已被使用" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        enterprise.open_business_account(mine, actor=cast.office_user, username="biz02", password="123")
    assert "password" in exc.value.message_dict


def test_only_the_office_or_the_township_of_the_business_opens_one(setup, login):
    cast, mine, theirs, far, _user = setup
    for actor in (cast.other_office_user, cast.leader, cast.market_liaison, cast.edu_liaison):
        with pytest.raises(PermissionDenied):
            enterprise.open_business_account(theirs, actor=actor, username=f"x{actor.pk}", password=PASSWORD)
    account = enterprise.open_business_account(
        theirs, actor=cast.town_liaison, username="biz-town", password=PASSWORD
    )
    assert account.business == theirs
    r = login(cast.other_office_user).post(
        f"/stewardship/business/{theirs.pk}/account/", {"username": "sneak", "password": PASSWORD}
    )
    assert r.status_code == 404
    r = login(cast.office_user).post(
        f"/stewardship/business/{far.pk}/account/", {"username": "sneak", "password": PASSWORD}
    )
    assert r.status_code == 404 and not BusinessAccount.objects.filter(user__username="sneak").exists()
    r = login(cast.office_user).post(
        f"/stewardship/business/{theirs.pk}/account/",
        {"username": "biz03", "password": PASSWORD, "name": "李"},
    )
    assert r.status_code == 302 and BusinessAccount.objects.filter(user__username="biz03").exists()


def test_a_new_account_must_change_its_password_before_anything(setup, client):
    _cast, mine, *_rest, user = setup
    client.force_login(user)
    r = client.get(f"/stewardship/business/{mine.pk}/")
    assert r.status_code == 302 and "/password/" in r["Location"]


def _ready(user):
    from shian.organisation.models import User

    User.objects.filter(pk=user.pk).update(must_change_password=False)
    return fresh(user)


def test_the_account_sees_its_own_business_and_nothing_else(setup, login, api):
    cast, mine, theirs, far, user = setup
    user = _ready(user)
    client = login(user)
    assert client.get("/").url == "/stewardship/enterprise/"
    assert client.get("/stewardship/enterprise/").url == f"/stewardship/business/{mine.pk}/"
    page = client.get(f"/stewardship/business/{mine.pk}/")
    assert page.status_code == 200 and "王总监" in page.content.decode()
    assert "开通企业账号" not in page.content.decode()
    for other in (theirs, far):
        assert client.get(f"/stewardship/business/{other.pk}/").status_code == 404
        assert client.get(f"/stewardship/duty/{other.pk}/").status_code == 404
        assert client.get(f"/stewardship/business/{other.pk}/lists.docx").status_code == 404
        assert (
            client.post(
                f"/stewardship/business/{other.pk}/risks/", {"risk": "x", "measures": "y"}
            ).status_code
            == 404
        )
    for url in (
        "/stewardship/",
        "/stewardship/duty/",
        "/stewardship/duty/import/",
        "/stewardship/coverage/",
        "/stewardship/?export=xlsx",
        "/registry/",
        "/registry/?export=xlsx",
        f"/registry/{mine.pk}/",
        "/workplan/",
        "/rectification/",
        "/dashboard/",
        "/campaigns/",
        "/core/audit/",
        "/api/docs/",
        f"/stewardship/business/{mine.pk}/account/",
    ):
        assert client.get(url).status_code == 404, url
    rest = api(user)
    ids = {row["id"] for row in rest.get("/api/stewardship/duty-records/").json()["results"]}
    assert ids == set(DutyRecord.objects.filter(business=mine).values_list("pk", flat=True))
    assert rest.get("/api/stewardship/risk-controls/").json()["count"] == 0
    assert [b["id"] for b in rest.get("/api/stewardship/enterprises/").json()["results"]] == [mine.pk]
    other_record = DutyRecord.objects.get(business=theirs)
    assert rest.get(f"/api/stewardship/duty-records/{other_record.pk}/").status_code == 404
    assert rest.get(f"/api/stewardship/enterprises/{theirs.pk}/").status_code == 404
    for url in ("/api/registry/businesses/", "/api/stewardship/cadres/", "/api/workplan/tasks/"):
        assert rest.get(url).status_code == 404, url
    r = rest.post(
        "/api/stewardship/duty-records/",
        {"business": theirs.pk, "kind": "daily", "period": str(timezone.localdate()), "done_by": "x"},
        format="json",
    )
    assert r.status_code == 400 and DutyRecord.objects.filter(business=theirs).count() == 1
    r = rest.patch(f"/api/stewardship/enterprises/{far.pk}/staff/", {"safety_director": "x", "version": 1})
    assert r.status_code == 404
    assert [i["label"] for i in navigation(user, "/")] == ["本企业主体责任"]


def test_the_account_keeps_its_staff_risks_and_records(setup, login, api):
    cast, mine, *_rest, user = setup
    user = _ready(user)
    client = login(user)
    r = client.post(
        f"/stewardship/business/{mine.pk}/staff/",
        {"safety_director": "王新总监", "safety_officer": "周安全员", "version": mine.version},
    )
    assert r.status_code == 302
    mine.refresh_from_db()
    assert (mine.safety_director, mine.safety_officer) == ("王新总监", "周安全员")
    stale = client.post(
        f"/stewardship/business/{mine.pk}/staff/",
        {"safety_director": "旧", "safety_officer": "", "version": mine.version - 1},
    )
    assert stale.status_code == 409
    mine.refresh_from_db()
    assert mine.safety_director == "王新总监"
    r = client.post(f"/stewardship/business/{mine.pk}/risks/", {"risk": "", "measures": "测温"})
    assert r.status_code == 400 and "请填写风险点" in r.content.decode()
    client.post(
        f"/stewardship/business/{mine.pk}/risks/",
        {"risk": "冷藏温度", "measures": "每日两次测温", "frequency": "每日", "person": "周安全员"},
    )
    risk = RiskControl.objects.get(business=mine)
    r = api(user).patch(
        f"/api/stewardship/risk-controls/{risk.pk}/", {"measures": "每日三次测温", "version": risk.version}
    )
    assert r.status_code == 200, r.content
    risk.refresh_from_db()
    assert risk.measures == "每日三次测温"
    today = timezone.localdate()
    r = client.post(
        f"/stewardship/duty/{mine.pk}/",
        {"kind": "daily", "period": today.isoformat(), "done_by": "周安全员", "checked": "冷库温度正常"},
    )
    assert r.status_code == 302 and r.url == f"/stewardship/business/{mine.pk}/"
    record = DutyRecord.objects.get(business=mine)
    assert record.recorded_by == user and record.checked == "冷库温度正常"
    r = api(user).post(
        "/api/stewardship/duty-records/",
        {"business": mine.pk, "kind": "weekly", "period": str(today), "done_by": "王新总监"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert DutyRecord.objects.filter(business=mine).count() == 2
    client.post(f"/stewardship/business/{mine.pk}/risks/{risk.pk}/delete/")
    assert not RiskControl.objects.filter(business=mine).exists()


def test_the_business_page_issues_a_bounded_number_of_queries(setup, login, django_assert_max_num_queries):
    cast, mine, *_rest, user = setup
    for n in range(5):
        c = Cadre.objects.create(name=f"干部{n}", level="village", region=cast.town, phone=f"1390000000{n}")
        Binding.objects.create(cadre=c, business=mine)
        RiskControl.objects.create(business=mine, risk=f"风险{n}", measures="措施")
        DutyRecord.objects.create(
            business=mine,
            kind="daily",
            period=timezone.localdate() - datetime.timedelta(days=n),
            done_by="王",
        )
    client = login(cast.office_user)
    with django_assert_max_num_queries(25):
        assert client.get(f"/stewardship/business/{mine.pk}/").status_code == 200


def test_the_business_lists_name_its_cadres_duties_and_commitment(setup, login):
    from docx import Document

    cast, mine, *_rest, user = setup
    county = Cadre.objects.create(
        name="县级张", level="county", region=cast.county, phone="13900000011", post="副县长"
    )
    village = Cadre.objects.create(name="村级李", level="village", region=cast.town, phone="13900000012")
    Binding.objects.create(cadre=village, business=mine)
    Binding.objects.create(cadre=county, business=mine)
    RiskControl.objects.create(
        business=mine, risk="凉菜间消毒", measures="每餐前紫外线消毒30分钟", frequency="每餐"
    )
    r = login(_ready(user)).get(f"/stewardship/business/{mine.pk}/lists.docx?year=2026")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "三张清单一承诺书" in text and mine.name in text
    assert "食品安全主体责任承诺书" in text and "王总监" in text
    assert "县级张" in cells and "村级李" in cells and "副县长" in cells
    assert cells.index("县级张") < cells.index("村级李")  # county level first
    assert "凉菜间消毒" in cells and "日管控" in cells and "月调度" in cells
    assert any("每年不少于" in c for c in cells)


def test_the_cadre_uploads_the_signed_scan_from_the_link(cast, client, settings, tmp_path):
    from shian.stewardship import figures, services

    settings.MEDIA_ROOT = tmp_path
    cadre = Cadre.objects.create(name="村干部", level="village", region=cast.town, phone="13900000021")
    Binding.objects.create(cadre=cadre, business=make_business(cast.town, 5))
    token = services.cadre_link_token(cadre)
    year = timezone.localdate().year
    assert client.get(f"/baobao/{token}/").content.decode().count(f"/baobao/{token}/commitment/") == 1
    assert client.get(f"/baobao/{token}/commitment.docx").status_code == 200
    bad = client.post(
        f"/baobao/{token}/commitment/", {"signed_scan": SimpleUploadedFile("a.txt", b"hello", "text/plain")}
    )
    assert bad.status_code == 400 and not cadre.commitments.exists()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = client.post(
        f"/baobao/{token}/commitment/", {"signed_scan": SimpleUploadedFile("s.png", png, "image/png")}
    )
    assert r.status_code == 302
    commitment = cadre.commitments.get(year=year)
    assert commitment.is_signed and commitment.uploaded_by is None and commitment.businesses == 1
    town = next(row for row in figures.commitment_coverage(cast.county, year) if row["region"] == cast.town)
    assert (town["cadres"], town["signed"]) == (1, 1)
    assert client.post("/baobao/forged/commitment/", {}).status_code == 404


def test_the_office_closes_an_account_and_it_sees_nothing_more(setup, login, api):
    cast, mine, theirs, _far, user = setup
    user = _ready(user)
    account = BusinessAccount.objects.get(user=user)
    assert (
        login(cast.other_office_user)
        .post(f"/stewardship/business/{mine.pk}/accounts/{account.pk}/close/")
        .status_code
        == 404
    )
    r = login(cast.office_user).post(f"/stewardship/business/{mine.pk}/accounts/{account.pk}/close/")
    assert r.status_code == 302
    account.refresh_from_db()
    user = fresh(user)
    assert not account.is_active and not user.is_active and user.business_scope_id is None
    assert DutyRecord.objects.restrict(user).count() == 0
    # a second 停用 (another tab) says so and writes nothing more into the history
    closed = AuditLog.objects.filter(event="business_account_closed").count()
    again = login(cast.office_user).post(
        f"/stewardship/business/{mine.pk}/accounts/{account.pk}/close/", follow=True
    )
    assert "企业账号“biz01”已停用" in again.content.decode()
    assert AuditLog.objects.filter(event="business_account_closed").count() == closed == 1
    assert (
        api(cast.office_user).post(f"/api/stewardship/business-accounts/{account.pk}/close/").status_code
        == 400
    )


NEW_PASSWORD = "Xin#2026reset"


def test_the_office_resets_an_account_password_that_must_be_changed(setup, login):
    cast, mine, _theirs, _far, user = setup
    user = _ready(user)
    account = BusinessAccount.objects.get(user=user)
    url = f"/stewardship/business/{mine.pk}/accounts/{account.pk}/password/"
    client = login(cast.office_user)
    r = client.post(url, {"password": "123", "version": user.version})
    assert r.status_code == 400 and "密码至少需要" in r.content.decode()
    r = client.post(url, {"password": NEW_PASSWORD, "version": user.version - 1})
    assert r.status_code == 409
    r = client.post(url, {"password": NEW_PASSWORD})
    assert r.status_code == 400 and "版本号" in r.content.decode()
    assert fresh(user).check_password(PASSWORD)
    r = client.post(url, {"password": NEW_PASSWORD, "version": user.version})
    assert r.status_code == 302
    after = fresh(user)
    assert after.check_password(NEW_PASSWORD) and after.must_change_password
    assert after.version == user.version + 1
    assert AuditLog.objects.filter(event="password_reset", object_id=str(user.pk)).exists()
    assert AuditLog.objects.filter(event="business_account_password_reset", object_id=str(mine.pk)).exists()
    # the policy's history: the same password again is refused
    with pytest.raises(ValidationError) as exc:
        enterprise.reset_business_account_password(
            account, actor=cast.office_user, password=NEW_PASSWORD, expected_version=after.version
        )
    assert "最近" in str(exc.value.message_dict["password"])


def test_only_the_office_or_township_resets_a_password(setup, login):
    cast, mine, *_rest, user = setup
    account = BusinessAccount.objects.get(user=user)
    url = f"/stewardship/business/{mine.pk}/accounts/{account.pk}/password/"
    for actor in (cast.other_office_user, cast.leader, cast.market_liaison, cast.edu_liaison):
        r = login(actor).post(url, {"password": NEW_PASSWORD, "version": user.version})
        assert r.status_code == 404, actor
        with pytest.raises(PermissionDenied):
            enterprise.reset_business_account_password(
                account, actor=actor, password=NEW_PASSWORD, expected_version=user.version
            )
    # the account itself may not reset its own through this page (it is kept off it anyway)
    with pytest.raises(PermissionDenied):
        enterprise.reset_business_account_password(
            account, actor=fresh(user), password=NEW_PASSWORD, expected_version=user.version
        )
    assert fresh(user).check_password(PASSWORD)
    r = login(cast.town_liaison).post(url, {"password": NEW_PASSWORD, "version": user.version})
    assert r.status_code == 302 and fresh(user).check_password(NEW_PASSWORD)


def test_the_account_list_shows_last_login_and_state_and_reopens(setup, login):
    cast, mine, _theirs, _far, user = setup
    account = BusinessAccount.objects.get(user=user)
    client = login(cast.office_user)
    page = client.get(f"/stewardship/business/{mine.pk}/").content.decode()
    assert "从未登录" in page and "重置密码" in page and "停用" in page
    from shian.organisation.models import User

    seen = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 30))
    User.objects.filter(pk=user.pk).update(last_login=seen)
    page = client.get(f"/stewardship/business/{mine.pk}/").content.decode()
    assert "2026-05-04 09:30" in page and "从未登录" not in page
    client.post(f"/stewardship/business/{mine.pk}/accounts/{account.pk}/close/")
    page = client.get(f"/stewardship/business/{mine.pk}/").content.decode()
    assert "已停用" in page and "重置密码" not in page and "/reopen/" in page
    r = client.post(
        f"/stewardship/business/{mine.pk}/accounts/{account.pk}/password/",
        {"password": NEW_PASSWORD, "version": fresh(user).version},
    )
    assert r.status_code == 400 and "请先启用" in r.content.decode()
    assert (
        login(cast.other_office_user)
        .post(f"/stewardship/business/{mine.pk}/accounts/{account.pk}/reopen/")
        .status_code
        == 404
    )
    r = login(cast.office_user).post(f"/stewardship/business/{mine.pk}/accounts/{account.pk}/reopen/")
    assert r.status_code == 302
    account.refresh_from_db()
    after = fresh(user)
    assert account.is_active and after.is_active and after.business_scope_id == mine.pk
    with pytest.raises(ValidationError):
        enterprise.reopen_business_account(account, actor=cast.office_user)


def test_business_accounts_through_the_api_follow_the_page_rules(setup, api):
    cast, mine, theirs, far, user = setup
    account = BusinessAccount.objects.get(user=user)
    base = "/api/stewardship/business-accounts/"
    rows = api(cast.office_user).get(base).json()["results"]
    assert [(r["id"], r["username"], r["last_login"], r["active"]) for r in rows] == [
        (account.pk, "biz01", None, True)
    ]
    assert api(cast.other_office_user).get(base).json()["results"] == []
    assert api(cast.other_office_user).get(f"{base}{account.pk}/").status_code == 404
    assert api(fresh(user)).get(base).status_code == 404  # the 企业账号 itself is kept off

    opened = {"business": theirs.pk, "username": "biz-api", "password": PASSWORD}
    assert api(cast.leader).post(f"{base}open/", opened, format="json").status_code == 403
    assert api(cast.edu_liaison).post(f"{base}open/", opened, format="json").status_code in (400, 404)
    assert (
        api(cast.office_user).post(f"{base}open/", {**opened, "business": far.pk}, format="json").status_code
        == 400
    )
    assert (
        api(cast.office_user).post(f"{base}open/", {**opened, "password": "123"}, format="json").status_code
        == 400
    )
    r = api(cast.office_user).post(f"{base}open/", opened, format="json")
    assert r.status_code == 201 and r.json()["must_change_password"] is True
    assert BusinessAccount.objects.get(user__username="biz-api").business == theirs

    reset = f"{base}{account.pk}/reset-password/"
    version = fresh(user).version
    assert (
        api(cast.leader)
        .post(reset, {"password": NEW_PASSWORD, "version": version}, format="json")
        .status_code
        == 403
    )
    assert (
        api(cast.other_office_user)
        .post(reset, {"password": NEW_PASSWORD, "version": version}, format="json")
        .status_code
        == 404
    )
    assert (
        api(cast.office_user)
        .post(reset, {"password": "short", "version": version}, format="json")
        .status_code
        == 400
    )
    assert (
        api(cast.office_user)
        .post(reset, {"password": NEW_PASSWORD, "version": version - 1}, format="json")
        .status_code
        == 409
    )
    r = api(cast.town_liaison).post(reset, {"password": NEW_PASSWORD, "version": version}, format="json")
    assert r.status_code == 200, r.content
    assert fresh(user).check_password(NEW_PASSWORD) and fresh(user).must_change_password
    assert AuditLog.objects.filter(event="password_reset", object_id=str(user.pk)).exists()

    assert api(cast.other_office_user).post(f"{base}{account.pk}/close/").status_code == 404
    r = api(cast.office_user).post(f"{base}{account.pk}/close/")
    assert r.status_code == 200 and r.json()["active"] is False and fresh(user).is_active is False
    assert api(cast.office_user).post(f"{base}{account.pk}/reopen/").json()["active"] is True
    assert api(cast.office_user).post(f"{base}{account.pk}/reopen/").status_code == 400
