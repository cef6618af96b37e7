"""In Chromium: the office uploads an office spreadsheet, maps an unmatched unit, confirms, and browses
the tree (screenshots in /tmp/shian-framework-*.png)."""

import pytest

from shian.framework.models import Framework
from shian.framework.tests import sheets


@pytest.mark.browser
def test_office_imports_a_spreadsheet_and_browses_the_tree(anlan, browser_login, live_server, tmp_path):
    from shian.framework.sample import load_sample_framework

    sample = load_sample_framework(owner_region=anlan.county)
    page = browser_login(anlan.office_user)
    page.goto(live_server.url + "/framework/")
    page.screenshot(path="/tmp/shian-framework-list.png", full_page=True)
    page.goto(live_server.url + sample.get_absolute_url())
    assert page.locator("#base-points").inner_text() == "100"
    page.screenshot(path="/tmp/shian-framework-tree.png")
    first = sample.categories.first().pk
    page.click(f"a[href='#cat-body-{first}']")  # collapse 基础工作
    page.wait_for_timeout(400)
    assert not page.locator(f"#cat-body-{first}").is_visible()

    item = sample.items().get(code="7.1")
    page.goto(live_server.url + f"/framework/items/{item.pk}/edit/")
    page.screenshot(path="/tmp/shian-framework-item-edit.png", full_page=True)

    path = tmp_path / "任务分解表.xlsx"
    path.write_bytes(sheets.wps_xlsx())
    page.goto(live_server.url + "/framework/import/")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('上传并预览')")
    page.wait_for_selector("#import-summary")
    assert page.locator("#preview-total").inner_text() == "20"
    page.select_option("select[name=unit_target]", label="安澜县委办公室（县委办）")
    page.screenshot(path="/tmp/shian-framework-import-preview.png", full_page=True)
    page.click("button:has-text('确认导入')")
    page.wait_for_selector(".framework-tree")
    fw = Framework.objects.exclude(pk=sample.pk).get()
    assert fw.name == sheets.TITLE
    assert "安澜县委办公室" in [u.name for i in fw.items() for u in i.coop_units()]
    page.screenshot(path="/tmp/shian-framework-imported.png", full_page=True)
