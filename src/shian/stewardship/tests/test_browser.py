"""Browser: a village cadre opens the link of their message on a phone (390 px), records a 五步法 visit
with a photo, the browser's position and a problem; the office turns it into a rectification problem,
and the next visit shows it for 复查."""

import datetime

import pytest

from shian.inspections.tests.test_browser import png
from shian.registry.testing import make_business
from shian.stewardship import services
from shian.stewardship.models import Binding, Cadre, StewardVisit

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_village_cadre_records_a_visit_that_raises_a_problem(cast, page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cadre = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000011")
    shop = make_business(cast.town, 1, baobao_level="village", name="潼川镇老王面馆")
    other = make_business(cast.town, 2, baobao_level="village", name="潼川镇小李超市")
    for b in (shop, other):
        Binding.objects.create(cadre=cadre, business=b)
    url = f"{live_server.url}/baobao/{services.cadre_link_token(cadre)}/"
    context = page.context
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 31.0948, "longitude": 105.0935})
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert page.locator(".due-row").count() == 2
    page.click(f".due-row[data-business='{shop.pk}']")
    page.wait_for_selector("#steward-visit-form")
    page.wait_for_function("document.getElementById('visit-lat').value !== ''")
    page.click("label[for='r1-fail']")
    page.fill("#note1", "食品经营许可证未上墙公示")
    page.locator("#photos1").set_input_files({"name": "许可证.png", "mimeType": "image/png", "buffer": png()})
    page.fill("#problems", "后厨地面积水")
    page.fill("#feedback", "三日内整改")
    page.fill("#feedback_to", "王店长")
    page.screenshot(path="/tmp/stewardship_visit_phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#visit-submit")
    page.wait_for_selector("text=督导记录已提交")
    page.screenshot(path="/tmp/stewardship_round_phone.png", full_page=True)

    visit = StewardVisit.objects.get()
    assert visit.via_link and visit.business == shop
    assert float(visit.latitude) == pytest.approx(31.0948)
    assert visit.photos.count() == 1
    assert list(visit.findings.values_list("text", flat=True)) == [
        "证照公示不符合：食品经营许可证未上墙公示",
        "后厨地面积水",
    ]
    problems = services.findings_to_problems(visit, actor=cast.office_user)
    assert len(problems) == 2 and problems[1].description.endswith("后厨地面积水")

    # The next visit shows the open problems for follow-up.
    page.goto(url)
    assert "待复查问题 2 个" in page.inner_text(f".due-row[data-business='{shop.pk}']")
    page.click(f".due-row[data-business='{shop.pk}']")
    page.wait_for_selector("#steward-visit-form")
    assert page.locator(".follow-up").count() == 2
    first = visit.findings.order_by("id").first()
    page.click(f"label[for='fu{first.pk}-fixed']")
    page.click("#visit-submit")
    page.wait_for_selector("text=督导记录已提交")
    first.refresh_from_db()
    assert first.status == "fixed"


@pytest.mark.browser
def test_office_issues_a_cadre_link_at_desktop_width(cast, browser_login, live_server):
    cadre = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000011")
    Binding.objects.create(cadre=cadre, business=make_business(cast.town, 1, baobao_level="village"))
    page = browser_login(cast.office_user)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/stewardship/{cadre.pk}/")
    page.screenshot(path="/tmp/stewardship_cadre_desktop.png", full_page=True)
    page.click("#make-link")
    link = page.locator("#cadre-link").get_attribute("href")
    assert "/baobao/" in link and "30天内有效" in page.input_value("#link-message")
    page.goto(link)
    assert page.locator(".due-row").count() == 1


@pytest.mark.browser
def test_a_business_account_enters_a_daily_record_on_a_phone(cast, page, live_server, settings, tmp_path):
    """The office opens the 企业账号; on a phone the business changes the initial password, lands on its
    主体责任 page and enters today's 日管控 record."""
    from shian.organisation.models import User
    from shian.stewardship import enterprise
    from shian.stewardship.models import DutyRecord, RiskControl

    settings.MEDIA_ROOT = tmp_path
    shop = make_business(
        cast.town, 1, name="潼川镇老王面馆", safety_director="王总监", safety_officer="周安全员"
    )
    RiskControl.objects.create(
        business=shop, risk="凉菜间交叉污染", measures="专间专人专用工具", frequency="每餐"
    )
    cadre = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000011")
    Binding.objects.create(cadre=cadre, business=shop)
    enterprise.open_business_account(
        shop, actor=cast.office_user, username="biz01", password="Qiye#2026start"
    )

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "biz01")
    page.fill("#id_password", "Qiye#2026start")
    page.click("button[type=submit]")
    page.wait_for_selector("#id_new_password1")
    page.fill("#id_old_password", "Qiye#2026start")
    page.fill("#id_new_password1", "Mianguan#2026own")
    page.fill("#id_new_password2", "Mianguan#2026own")
    page.click("main button[type=submit], form:has(#id_new_password1) button")
    page.wait_for_url(f"{live_server.url}/stewardship/business/{shop.pk}/")
    assert not User.objects.get(username="biz01").must_change_password
    assert page.locator(".navbar-nav .nav-link", has_text="本企业主体责任").count() == 1
    assert page.locator(".navbar-nav .nav-link", has_text="任务").count() == 0
    page.screenshot(path="/tmp/stewardship_business_phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.click("#enter-duty")
    page.wait_for_selector("#checked")
    page.fill("#checked", "冷库温度、留样、消毒记录")
    page.fill("#problems", "冷藏柜温度偏高")
    page.fill("#measures", "已调低设定温度")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/stewardship_duty_form_phone.png", full_page=True)
    page.click("form button.btn-primary")
    page.wait_for_selector(".duty-record")
    assert "冷藏柜温度偏高" in page.inner_text("#records")
    record = DutyRecord.objects.get()
    assert (record.business, record.kind, record.done_by) == (shop, "daily", "王总监")
    assert record.recorded_by.username == "biz01"
    page.screenshot(path="/tmp/stewardship_business_after_phone.png", full_page=True)
    page.goto(live_server.url + "/workplan/")
    assert "企业账号只能查看本企业" in page.content() or page.title() != "任务"


@pytest.mark.browser
def test_the_office_sees_the_business_page_with_its_account_form(cast, browser_login, live_server):
    from shian.stewardship.models import DutyRecord

    shop = make_business(cast.town, 1, name="潼川镇老王面馆", safety_director="王总监")
    DutyRecord.objects.create(
        business=shop, kind="weekly", period=datetime.date(2026, 11, 30), done_by="王总监"
    )
    page = browser_login(cast.office_user)
    page.goto(f"{live_server.url}/stewardship/business/{shop.pk}/")
    page.fill("#open-account input[name=username]", "biz01")
    page.fill("#open-account input[name=password]", "Qiye#2026start")
    page.screenshot(path="/tmp/stewardship_business_desktop.png", full_page=True)
    page.click("#open-account button")
    page.wait_for_selector("text=已开通企业账号")
    assert "biz01" in page.inner_text("#accounts")

    from shian.stewardship.tests.test_duty_import import workbook

    rows = [
        ["统一社会信用代码", "类别", "日期", "填报人"],
        [shop.credit_code, "日管控", "2026-11-02", "王总监"],
    ]
    rows.append([shop.credit_code, "月调度", "2026年13月1日", "王总监"])
    rows.append(["91510722MA0000009X", "周排查", "2026-11-03", "李"])
    page.goto(f"{live_server.url}/stewardship/duty/import/")
    page.locator("input[type=file]").set_input_files(
        {
            "name": "汇总.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": workbook({"汇总": rows}).getvalue(),
        }
    )
    page.click("form button.btn-primary")
    page.wait_for_selector("#import-errors")
    errors = page.inner_text("#import-errors")
    assert "工作表“汇总”第4行A列（统一社会信用代码）" in errors and "第3行C列（日期）" in errors
    page.screenshot(path="/tmp/stewardship_duty_import_desktop.png", full_page=True)
    assert DutyRecord.objects.count() == 1


@pytest.mark.browser
def test_a_village_cadre_uploads_the_signed_commitment_from_the_link(
    cast, page, live_server, settings, tmp_path
):
    from shian.stewardship import figures

    settings.MEDIA_ROOT = tmp_path
    cadre = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000011")
    Binding.objects.create(cadre=cadre, business=make_business(cast.town, 1, baobao_level="village"))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/baobao/{services.cadre_link_token(cadre)}/")
    page.click("#commitment-link")
    page.wait_for_selector("#signed_scan")
    page.locator("#signed_scan").set_input_files(
        {"name": "承诺书.png", "mimeType": "image/png", "buffer": png()}
    )
    page.click("form button.btn-primary")
    page.wait_for_selector("#scan-done")
    page.screenshot(path="/tmp/stewardship_commitment_phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert cadre.commitments.get().is_signed
    year = cadre.commitments.get().year
    town = next(r for r in figures.commitment_coverage(cast.county, year) if r["region"] == cast.town)
    assert town["signed"] == 1


@pytest.mark.browser
def test_the_office_resets_a_business_account_password_on_the_business_page(cast, browser_login, live_server):
    from shian.organisation.models import User
    from shian.stewardship import enterprise

    shop = make_business(
        cast.town, 1, baobao_level="village", name="潼川镇老王面馆", safety_director="王总监"
    )
    account = enterprise.open_business_account(
        shop, actor=cast.office_user, username="wangmian", password="Qiye#2026start", name="王总监"
    )
    page = browser_login(cast.office_user)
    for width, height, name in ((1366, 900, "desktop"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/stewardship/business/{shop.pk}/#accounts")
        assert "从未登录" in page.inner_text("#account-table")
        page.locator("#accounts").screenshot(path=f"/tmp/stewardship_accounts_{name}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1366, "height": 900})
    form = page.locator(f"#account-{account.pk} form.reset-password")
    form.locator("input[name=password]").fill("short")
    form.locator("button").click()
    page.wait_for_selector("text=密码至少需要")
    page.locator(f"#account-{account.pk} form.reset-password input[name=password]").fill("Xin#2026reset")
    page.locator(f"#account-{account.pk} form.reset-password button").click()
    page.wait_for_selector("text=已重置企业账号")
    page.screenshot(path="/tmp/stewardship_accounts_reset.png", full_page=True)
    user = User.objects.get(pk=account.user_id)
    assert user.check_password("Xin#2026reset") and user.must_change_password
