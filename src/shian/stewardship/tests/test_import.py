"""Cadre import: all-or-nothing with row/column errors, idempotent by phone or name+region, command."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from shian.stewardship.importer import import_cadres
from shian.stewardship.models import Cadre


def xlsx(rows, title="三台县包保干部名册") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["序号", "姓名", "职务", "包保层级", "所属乡镇", "手机号码"]
GOOD = [
    HEADER,
    [1, "张县干", "副县长", "县级", "三台县", "13800000031"],
    [2, "李乡干", "副镇长", "乡镇级", "潼川镇", 13800000032],
    [3, "王村干", "村支书", "村级", "510722101", "13800000033"],
]


def test_import_creates_then_updates_idempotently(cast):
    r = import_cadres(io.BytesIO(xlsx(GOOD)), actor=cast.office_user, filename="a.xlsx")
    assert r.ok, r.errors
    assert (r.rows_read, r.created, r.updated) == (3, 3, 0)
    li = Cadre.objects.get(phone="13800000032")
    assert (li.level, li.region, li.post) == ("township", cast.town, "副镇长")
    again = import_cadres(io.BytesIO(xlsx(GOOD)), actor=cast.office_user)
    assert (again.created, again.updated) == (0, 0)
    changed = [HEADER, [1, "李乡干", "镇长", "乡级", "潼川镇", "13800000032"]]
    r = import_cadres(io.BytesIO(xlsx(changed)), actor=cast.office_user)
    assert (r.created, r.updated) == (0, 1)
    li.refresh_from_db()
    assert li.post == "镇长" and li.version == 2
    # without a phone number: the same name in the same region
    by_name = [["姓名", "职务", "层级", "所属区划"], ["王村干", "村主任", "村级", "芦溪镇"]]
    r = import_cadres(io.BytesIO(xlsx(by_name)), actor=cast.office_user)
    assert (r.created, r.updated) == (0, 1)
    assert Cadre.objects.get(phone="13800000033").post == "村主任"
    assert Cadre.objects.count() == 3


def test_one_bad_row_rejects_the_file_naming_row_and_column(cast):
    rows = GOOD + [
        [4, "赵干部", "", "省级", "潼川镇", "13800000034"],
        [5, "钱干部", "", "村级", "盐亭县", "13800000035"],
        [6, "孙干部", "", "村级", "潼川镇", "12345"],
        [7, "李乡干", "", "乡级", "潼川镇", "13800000032"],
        [8, "周干部", "", "村级", "潼川镇", ""],
    ]
    r = import_cadres(io.BytesIO(xlsx(rows)), actor=cast.office_user)
    assert not r.ok and Cadre.objects.count() == 0
    text = "\n".join(r.errors)
    assert "第6行D列（层级）：“省级”" in text
    assert "第7行E列（所属区划）：“盐亭县”区划不存在或不在您的管辖范围内" in text
    assert "第8行F列（手机号）：“12345”不是有效的手机号" in text
    assert "第9行F列（手机号）：“13800000032”与第4行重复" in text
    assert "第10行F列（手机号）：新干部必须填写手机号" in text
    assert r.rejected == 5


def test_other_county_and_readers_cannot_import(cast):
    r = import_cadres(io.BytesIO(xlsx(GOOD)), actor=cast.other_office_user)
    assert not r.ok and "区划不存在或不在您的管辖范围内" in r.errors[0]
    with pytest.raises(PermissionDenied):
        import_cadres(io.BytesIO(xlsx(GOOD)), actor=cast.leader)


def test_page_and_command(cast, login, tmp_path, capsys):
    client = login(cast.office_user)
    assert client.get("/stewardship/import/").status_code == 200
    r = client.post("/stewardship/import/", {"file": SimpleUploadedFile("干部.xlsx", xlsx(GOOD))})
    assert r.status_code == 200 and "读取 3 行，新增 3 人，更新 0 人，拒绝 0 行" in r.content.decode()
    bad = client.post(
        "/stewardship/import/",
        {"file": SimpleUploadedFile("坏.xlsx", xlsx(GOOD + [[4, "x", "", "省级", "潼川镇", "13800000039"]]))},
    )
    assert (
        bad.status_code == 400
        and "第6行D列" in bad.content.decode()
        and "未导入任何数据" in bad.content.decode()
    )
    assert (
        login(cast.leader)
        .post("/stewardship/import/", {"file": SimpleUploadedFile("a.xlsx", xlsx(GOOD))})
        .status_code
        == 403
    )

    path = tmp_path / "干部.xlsx"
    path.write_bytes(xlsx(GOOD + [[4, "吴干部", "", "村级", "潼川镇", "13800000040"]]))
    call_command("import-cadres", str(path))
    assert "读取 4 行，新增 1 人，更新 0 人，拒绝 0 行" in capsys.readouterr().out
    path.write_bytes(xlsx(GOOD + [[4, "x", "", "省级", "潼川镇", "13800000041"]]))
    with pytest.raises(CommandError):
        call_command("import-cadres", str(path))
    out = capsys.readouterr()
    assert "拒绝 1 行" in out.out and "第6行D列" in out.err
