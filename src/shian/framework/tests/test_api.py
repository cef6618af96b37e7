"""Framework API: list, tree, export, import (preview then confirm), versioned item updates."""

import io
import json

import openpyxl
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.framework.models import Framework, ScoringItem
from shian.framework.sample import load_sample_framework
from shian.framework.tests import sheets


def test_frameworks_list_and_tree(anlan, api, django_assert_max_num_queries):
    fw = load_sample_framework(owner_region=anlan.county)
    client = api(anlan.liaison)
    r = client.get("/api/frameworks/")
    assert r.status_code == 200 and r.json()["results"][0]["name"] == fw.name
    with django_assert_max_num_queries(12):
        r = client.get(f"/api/frameworks/{fw.pk}/tree/")
    tree = r.json()
    assert [c["name"] for c in tree["categories"]] == ["基础工作", "能力建设", "生产经营状况", "示范引领"]
    first = tree["categories"][0]["indicators"][0]["items"][0]
    assert (first["code"], first["points"], first["is_key"]) == ("1.1", "2", True)
    assert [u["name"] for u in first["lead_units"]] == ["中共安澜县委组织部"]
    assert first["deductions"][0] == {
        "id": first["deductions"][0]["id"],
        "description": "未纳入党政领导干部考核",
        "points": "2",
        "per_occurrence": False,
    }
    assert len(tree["gates"]) == 9


def test_export_endpoint(anlan, api):
    fw = load_sample_framework(owner_region=anlan.county)
    client = api(anlan.liaison)
    r = client.get(f"/api/frameworks/{fw.pk}/export/?format=xlsx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames[0] == "评价细则"
    r = client.get(f"/api/frameworks/{fw.pk}/export/?format=yaml")
    assert yaml.safe_load(r.content.decode())["framework"]["is_sample"] is True


def test_import_previews_then_confirms_with_a_mapping(anlan, api):
    client = api(anlan.office_user)
    r = client.post(
        "/api/frameworks/import/",
        {"file": SimpleUploadedFile("a.xlsx", sheets.wps_xlsx()), "region": "510799"},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["preview"]["unmatched"] == ["县委编办"] and body["preview"]["summary"]["item_count"] == 6
    assert body["preview"]["summary"]["base_points"] == "20"
    assert not Framework.objects.exists()
    target = anlan.units["县委组织部"]
    r = client.post(
        "/api/frameworks/import/",
        {
            "file": SimpleUploadedFile("a.xlsx", sheets.wps_xlsx()),
            "region": "510799",
            "confirm": "true",
            "mapping": json.dumps({"县委编办": target.pk}),
        },
        format="multipart",
    )
    assert r.status_code == 201, r.content
    fw = Framework.objects.get(pk=r.json()["id"])
    assert target in ScoringItem.objects.get(indicator__category__framework=fw, code="6").coop_units()


def test_import_errors_come_back_as_400(anlan, api):
    rows = [list(r) for r in sheets.WPS_ROWS]
    rows[0][4] = "x"
    r = api(anlan.office_user).post(
        "/api/frameworks/import/",
        {"file": SimpleUploadedFile("a.xlsx", sheets.wps_xlsx(rows)), "confirm": "true"},
        format="multipart",
    )
    assert r.status_code == 400
    assert r.json()["errors"] == ["工作表“评价细则”第3行E列（标准分）：“x”不是有效的数字"]
    assert not Framework.objects.exists()


def test_item_update_needs_the_version(cast, api):
    item = cast.items[1]
    client = api(cast.office_user)
    r = client.patch(f"/api/scoring-items/{item.pk}/", {"points": "3"}, format="json")
    assert r.status_code == 400 and "version" in r.json()
    r = client.patch(
        f"/api/scoring-items/{item.pk}/", {"points": "3", "version": 1, "methods": ["onsite"]}, format="json"
    )
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["methods"] == ["onsite"]
    r = client.patch(f"/api/scoring-items/{item.pk}/", {"points": "4", "version": 1}, format="json")
    assert r.status_code == 409
    item.refresh_from_db()
    assert str(item.points) == "3.00"
    r = client.get(f"/api/scoring-items/?framework={cast.framework.pk}&is_key=true")
    assert [x["code"] for x in r.json()["results"]] == ["1.1"]
