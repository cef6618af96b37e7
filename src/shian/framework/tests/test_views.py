"""Framework pages: list, tree, item, edit pages, gates, import (upload → preview → confirm), exports."""

import io
from decimal import Decimal

import openpyxl
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shian.framework.models import Category, Framework, Gate, ScoringItem
from shian.framework.sample import load_sample_framework
from shian.framework.tests import sheets


def test_list_page_with_bounded_queries(cast, login, django_assert_max_num_queries):
    for _ in range(3):
        load_sample_framework(owner_region=cast.county)
    client = login(cast.office_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("framework:framework_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "食品安全示范城市评价细则（示例）" in text and "测试评价细则" in text and "导入细则" in text
    rows = response.context["table"].rows
    # Our county's test framework and the three samples; the other county's framework is not listed.
    assert sorted((r.record.item_count, r.record.base_points) for r in rows) == [
        (4, Decimal(65)),
        (54, Decimal(100)),
        (54, Decimal(100)),
        (54, Decimal(100)),
    ]
    export = client.get(reverse("framework:framework_list") + "?export=xlsx&q=示例")
    sheet = openpyxl.load_workbook(io.BytesIO(export.getvalue())).active
    assert sheet.max_row == 4  # header + the three samples


def test_tree_page_shows_everything_in_a_fixed_number_of_queries(anlan, login, django_assert_max_num_queries):
    fw = load_sample_framework(owner_region=anlan.county)
    client = login(anlan.office_user)
    with django_assert_max_num_queries(15):  # 14 + the navbar's campaign switcher
        response = client.get(fw.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        "基础工作",
        "党政同责",
        "将食品安全工作纳入党政领导班子",
        "县委组织部",
        "年度目标绩效考核办法及指标分解表",
        "资料审查",
        "示范引领",
        "封顶 10 分",
        "各乡镇（街道）20个",
        "发生重大食品安全事故",
        "满意度 ≥ 70%",
        "≥ 90 分",
    ):
        assert expected in text, expected
    ctx = response.context
    assert (ctx["base_points"], ctx["bonus_points"], ctx["item_count"], ctx["key_count"]) == (100, 10, 54, 10)
    assert ctx["can_edit"] is True
    assert text.count('id="scoringitem-') == 54


def test_item_page(anlan, login):
    fw = load_sample_framework(owner_region=anlan.county)
    item = ScoringItem.objects.get(indicator__category__framework=fw, code="7.1")
    response = login(anlan.liaison).get(reverse("framework:item_detail", args=[item.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "食品抽检量达到每年4批次/千人" in text and "抽检量每低0.1批次/千人" in text and "安澜县财政局" in text
    )
    assert "编辑" not in text.split("变更记录")[0].split("评分项 7.1")[1]


def test_exports_download(anlan, login):
    fw = load_sample_framework(owner_region=anlan.county)
    client = login(anlan.liaison)
    xlsx = client.get(reverse("framework:framework_export", args=[fw.pk, "xlsx"]))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "评价细则"
    yml = client.get(reverse("framework:framework_export", args=[fw.pk, "yaml"]))
    assert yaml.safe_load(yml.content.decode())["framework"]["name"] == fw.name
    assert client.get(reverse("framework:framework_export", args=[fw.pk, "pdf"])).status_code == 404


def test_office_edits_an_item_with_units_deductions_and_materials(cast, login):
    item = cast.items[1]
    client = login(cast.office_user)
    url = reverse("framework:item_edit", args=[item.pk])
    assert client.get(url).status_code == 200
    data = {
        "edit_version": item.version,
        "seq": 2,
        "code": "1.2",
        "content": "制定学校食堂食品安全管理责任清单并公示",
        "points": "2.5",
        "methods": ["documents", "onsite"],
        "scoring_rule": "未制定不得分",
        "rubric_text": "好：2～2.5；差：0",
        "lead": [cast.edu.pk],
        "coop": [cast.market.pk, cast.town_unit.pk],
        "deadline": "2025-06-30",
        "deadline_text": "",
        "unmatched_units": "",
        "unmatched_coop_units": "",
        "ded-TOTAL_FORMS": 1,
        "ded-INITIAL_FORMS": 0,
        "ded-0-description": "未公示",
        "ded-0-points": "0.5",
        "mat-TOTAL_FORMS": 2,
        "mat-INITIAL_FORMS": 1,
        "mat-0-id": item.materials.get().pk,
        "mat-0-name": "学校食堂食品安全责任清单",
        "mat-0-period": "current_year",
        "mat-0-provider": cast.edu.pk,
        "mat-1-name": "公示照片",
        "mat-1-period": "any",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert (item.points, item.methods, item.version) == (Decimal("2.5"), ["documents", "onsite"], 2)
    assert item.rubric == [{"level": "好", "min": 2, "max": 2.5}, {"level": "差", "min": 0, "max": 0}]
    assert [u.pk for u in item.coop_units()] == [cast.market.pk, cast.town_unit.pk]
    assert [(d.seq, d.description) for d in item.deductions.all()] == [(1, "未公示")]
    assert [(m.seq, m.name, m.period) for m in item.materials.all()] == [
        (1, "学校食堂食品安全责任清单", "current_year"),
        (2, "公示照片", "any"),
    ]
    stale = client.post(url, data)  # same edit_version again
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()


def test_office_adds_category_indicator_item_and_gates(cast, login):
    fw = cast.framework
    client = login(cast.office_user)
    r = client.post(
        reverse("framework:category_add", args=[fw.pk]),
        {"seq": 4, "code": "四", "name": "生产经营状况", "kind": "base", "points": "35"},
    )
    assert r.status_code == 302
    cat = Category.objects.get(framework=fw, name="生产经营状况")
    r = client.post(
        reverse("framework:indicator_add", args=[cat.pk]), {"seq": 1, "code": "9", "name": "学校食堂"}
    )
    ind = cat.indicators.get()
    r = client.post(
        reverse("framework:item_add", args=[ind.pk]),
        {
            "seq": 1,
            "code": "9.1",
            "content": "校长陪餐",
            "points": "3",
            "methods": ["onsite"],
            "ded-TOTAL_FORMS": 0,
            "ded-INITIAL_FORMS": 0,
            "mat-TOTAL_FORMS": 1,
            "mat-INITIAL_FORMS": 0,
            "mat-0-name": "陪餐记录",
            "mat-0-period": "current_year",
            "lead": [cast.edu.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    item = ind.items.get()
    assert item.materials.get().name == "陪餐记录" and item.lead_units() == [cast.edu]
    gates = list(fw.gates.all())
    data = {"gate-TOTAL_FORMS": 3, "gate-INITIAL_FORMS": 2}
    for i, g in enumerate(gates):
        data.update(
            {
                f"gate-{i}-id": g.pk,
                f"gate-{i}-kind": g.kind,
                f"gate-{i}-name": g.name,
                f"gate-{i}-metric": g.metric,
                f"gate-{i}-threshold": g.threshold or "",
            }
        )
    data["gate-1-threshold"] = "0.8"
    data.update(
        {"gate-2-kind": "survey", "gate-2-name": "知晓率", "gate-2-metric": "", "gate-2-threshold": "0.75"}
    )
    r = client.post(reverse("framework:gates_edit", args=[fw.pk]), data)
    assert r.status_code == 400 and "测评门槛须指定测评指标和门槛值" in r.content.decode()
    data["gate-2-metric"] = "awareness"
    r = client.post(reverse("framework:gates_edit", args=[fw.pk]), data)
    assert r.status_code == 302
    assert [(g.seq, g.name, g.threshold) for g in Gate.objects.filter(framework=fw)] == [
        (1, "发生重大食品安全事故", None),
        (2, "群众满意度", Decimal("0.8")),
        (3, "知晓率", Decimal("0.75")),
    ]


def test_import_upload_preview_map_and_confirm(anlan, login):
    client = login(anlan.office_user)
    upload = SimpleUploadedFile("任务分解表.xlsx", sheets.wps_xlsx())
    r = client.post(reverse("framework:framework_import"), {"file": upload, "owner_region": anlan.county.pk})
    assert r.status_code == 302
    preview_url = r["Location"]
    r = client.get(preview_url)
    text = r.content.decode()
    assert r.status_code == 200 and "县委编办" in text and "未匹配" in text and Framework.objects.count() == 0
    assert r.context["preview"]["summary"]["item_count"] == 6
    r = client.post(preview_url, {"confirm": "1", "unit_name": ["县委编办"], "unit_target": ["create"]})
    assert r.status_code == 302
    fw = Framework.objects.get()
    assert r["Location"] == fw.get_absolute_url()
    assert (
        ScoringItem.objects.get(indicator__category__framework=fw, code="6").coop_units()[-1].name
        == "县委编办"
    )
    assert client.get(preview_url).status_code == 404  # the upload is gone once imported


def test_import_errors_are_shown_and_nothing_is_kept(anlan, login):
    rows = [list(r) for r in sheets.WPS_ROWS]
    rows[2][4] = "五分半"
    client = login(anlan.office_user)
    r = client.post(
        reverse("framework:framework_import"),
        {"file": SimpleUploadedFile("a.xlsx", sheets.wps_xlsx(rows)), "owner_region": anlan.county.pk},
    )
    assert r.status_code == 400
    assert "工作表“评价细则”第5行E列（标准分）：“五分半”不是有效的数字" in r.content.decode()
    assert Framework.objects.count() == 0


def test_office_loads_the_sample(anlan, login):
    r = login(anlan.office_user).post(reverse("framework:framework_load_sample"))
    fw = Framework.objects.get()
    assert r["Location"] == fw.get_absolute_url() and fw.owner_region == anlan.county and fw.is_sample


def test_office_creates_edits_and_deletes_a_framework(cast, login):
    client = login(cast.office_user)
    r = client.post(
        reverse("framework:framework_add"),
        {
            "name": "三台县细则",
            "version_label": "2025版",
            "owner_region": cast.county.pk,
            "default_step": "0.5",
        },
    )
    fw = Framework.objects.get(name="三台县细则")
    assert r["Location"] == fw.get_absolute_url()
    r = client.post(
        reverse("framework:framework_edit", args=[fw.pk]),
        {
            "name": "三台县细则",
            "version_label": "2026版",
            "owner_region": cast.county.pk,
            "default_step": "1",
            "pass_line": "85",
            "edit_version": fw.version,
        },
    )
    fw.refresh_from_db()
    assert (fw.version_label, fw.pass_line, fw.version) == ("2026版", Decimal(85), 2)
    r = client.post(reverse("framework:framework_delete", args=[fw.pk]))
    assert r.status_code == 302 and not Framework.objects.filter(pk=fw.pk).exists()
    r = client.post(reverse("framework:framework_delete", args=[cast.framework.pk]))
    assert Framework.objects.filter(pk=cast.framework.pk).exists()  # used by a campaign


def test_item_list_filters_and_exports(cast, login, django_assert_max_num_queries):
    load_sample_framework(owner_region=cast.county)  # 54 more items must not add queries
    client = login(cast.office_user)
    with django_assert_max_num_queries(15):
        r = client.get(
            reverse("framework:item_list") + f"?framework={cast.framework.pk}&unit={cast.market.pk}"
        )
    assert [row.record.code for row in r.context["table"].rows] == ["1.2", "2.1", "3.1"]
    r = client.get(reverse("framework:item_list") + f"?framework={cast.framework.pk}&is_key=true&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.getvalue())).active
    assert [c.value for c in sheet[2]][:1] == ["1.1"] and sheet.max_row == 2


def test_every_role_can_browse(cast, login):
    urls = [
        reverse("framework:framework_list"),
        cast.framework.get_absolute_url(),
        reverse("framework:item_list"),
        reverse("framework:item_detail", args=[cast.items[0].pk]),
    ]
    for user in (cast.admin, cast.office_user, cast.leader, cast.edu_liaison, cast.town_liaison):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user.username, url)
