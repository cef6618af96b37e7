import pytest

from shian.reports import services


@pytest.mark.browser
def test_office_edits_words_and_sees_the_preview(cast, browser_login, live_server, dispatch_round):
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    page = browser_login(cast.office_user)
    page.goto(f"{live_server.url}/reports/{doc.pk}/")
    assert "按时报送率33.3%" in page.inner_text("#preview")
    page.fill("#id_s_requirements", "一是限期补报。")
    page.click("text=保存文字并刷新预览")
    page.wait_for_selector("text=文字已保存")
    assert "一是限期补报。" in page.inner_text("#preview")
    page.screenshot(path="/tmp/shian-document-detail.png", full_page=True)
