import pytest
from django.urls import reverse

from shian.evidence.models import Material
from shian.evidence.tests.factories import SHITANG, docx_bytes, pdf_bytes

pytestmark = pytest.mark.browser


def test_upload_return_fix_approve_and_the_matrix_turns_green(cast, browser_login, live_server, tmp_path):
    url = live_server.url
    first, second = tmp_path / "学校食堂责任清单.docx", tmp_path / "陪餐记录.pdf"
    first.write_bytes(docx_bytes(*SHITANG))
    second.write_bytes(pdf_bytes("陪餐记录"))
    req = cast.items[1].materials.get()

    # GIVEN the 教育局 liaison uploads two files against the 学校食堂 requirement
    page = browser_login(cast.edu_liaison)
    page.goto(f"{url}{reverse('evidence:upload')}?requirement={req.pk}")
    page.set_input_files("input[name=files]", [str(first), str(second)])
    assert page.locator("#file-list li").count() == 2
    page.screenshot(path="/tmp/evidence-upload.png", full_page=True)
    page.click("#upload-submit")
    page.wait_for_url(f"{url}{reverse('evidence:material_list')}?campaign={cast.campaign.pk}")
    assert Material.objects.filter(requirement=req).count() == 2
    m1 = Material.objects.get(title="学校食堂责任清单")
    m2 = Material.objects.get(title="陪餐记录")

    # WHEN the office returns one and approves the other
    page.context.clear_cookies()
    browser_login(cast.office_user)
    page.goto(url + reverse("evidence:queue"))
    assert page.locator("table tbody tr").count() == 2
    page.goto(url + m1.get_absolute_url())
    page.fill("#review-form textarea[name=reason]", "缺少校长签字页")
    page.click("#review-form button[value=return]")
    page.wait_for_selector("#return-reason")
    page.goto(url + m2.get_absolute_url())
    page.click("#review-form button[value=approve]")
    page.wait_for_selector("#material-status:has-text('已通过')")

    # THEN the liaison sees the reason, fixes the file, and it goes back to review
    page.context.clear_cookies()
    browser_login(cast.edu_liaison)
    page.goto(url + reverse("evidence:matrix"))
    assert page.locator("tr.matrix-row[data-status=returned]").count() == 1
    page.goto(url + m1.get_absolute_url())
    assert "缺少校长签字页" in page.inner_text("#return-reason")
    fixed = tmp_path / "学校食堂责任清单（签字版）.docx"
    fixed.write_bytes(docx_bytes(*SHITANG, "校长签字：王某某"))
    page.set_input_files("#version-form input[type=file]", str(fixed))
    page.click("#version-form button[type=submit]")
    page.wait_for_selector("#material-status:has-text('待审核')")

    # AND the office approves it, and the matrix turns green
    page.context.clear_cookies()
    browser_login(cast.office_user)
    page.goto(url + m1.get_absolute_url())
    page.click("#review-form button[value=approve]")
    page.wait_for_selector("#material-status:has-text('已通过')")
    page.goto(f"{url}{reverse('evidence:matrix')}?unit={cast.edu.pk}")
    assert page.locator("tr.matrix-row").count() == 1
    assert page.locator("tr.matrix-row").get_attribute("data-status") == "approved"
    assert page.locator("#matrix-complete").is_visible()
    page.screenshot(path="/tmp/evidence-matrix-green.png", full_page=True)
    page.goto(url + reverse("evidence:matrix"))
    page.screenshot(path="/tmp/evidence-matrix.png", full_page=True)
    page.goto(url + m1.get_absolute_url())
    page.screenshot(path="/tmp/evidence-detail.png", full_page=True)
    assert Material.objects.get(pk=m1.pk).files.count() == 2
