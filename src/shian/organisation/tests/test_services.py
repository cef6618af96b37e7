"""Region and unit import: real-looking sheets, all-or-nothing, Chinese errors naming the row."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from shian.organisation.models import Region, Unit
from shian.organisation.services import import_regions, import_units


def _xlsx(rows, title=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "区划"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_regions_with_title_row_and_synonyms(cast):
    data = _xlsx(
        [
            ["行政区划代码", "区划名称", "上级区划代码", "级别", "人口数"],
            ["510722102", "新德镇", "510722", "乡镇", "５２０００"],
            ["510722102001", "新德村", "510722102", "村", ""],
        ],
        title="三台县行政区划表",
    )
    result = import_regions(data, actor=cast.admin)
    assert result.errors == []
    assert (result.created, result.updated) == (2, 0)
    village = Region.objects.get(code="510722102001")
    assert village.path == "/510000/510700/510722/510722102/510722102001/"
    assert Region.objects.get(code="510722102").population == 52000


def test_import_regions_all_or_nothing_with_row_named(cast):
    data = _xlsx(
        [
            ["区划代码", "名称", "上级代码", "层级"],
            ["510722103", "好镇", "510722", "乡镇"],
            ["510722104", "坏镇", "999999", "乡镇"],
        ]
    )
    result = import_regions(data, actor=cast.admin)
    assert result.errors == ["工作表“区划”第3行：上级代码“999999”不存在（上级须在本行之前或已在系统中）"]
    assert not Region.objects.filter(code="510722103").exists()


def test_only_admin_imports_regions(cast):
    with pytest.raises(PermissionDenied):
        import_regions(_xlsx([["区划代码", "名称", "层级"]]), actor=cast.office_user)


def test_import_units_matches_and_updates(cast):
    data = _xlsx(
        [
            ["单位名称", "单位类型", "所属区划代码", "简称", "联系人"],
            ["三台县卫生健康局", "成员单位", "510722", "卫健局", "周科长"],
            ["三台县教育局", "成员单位", "510722", "教育局", "新联系人"],
        ]
    )
    result = import_units(data, actor=cast.office_user)
    assert result.errors == [] and (result.created, result.updated) == (1, 1)
    assert Unit.objects.get(pk=cast.edu.pk).contact_person == "新联系人"


def test_office_cannot_import_units_into_other_county(cast):
    data = _xlsx([["单位名称", "类型", "区划代码"], ["盐亭县卫健局", "成员单位", "510723"]])
    result = import_units(data, actor=cast.office_user)
    assert result.errors == ["工作表“区划”第2行：区划“盐亭县”不在您的管辖范围内"]
    assert not Unit.objects.filter(name="盐亭县卫健局").exists()


def test_import_units_csv_gbk(cast, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes("单位名称,类型,区划代码\n潼川镇食安办,其他,510722100\n".encode("gbk"))
    result = import_units(str(path), actor=cast.office_user)
    assert result.errors == []
    assert Unit.objects.get(name="潼川镇食安办").region == cast.town


def test_import_commands(cast, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "regions.xlsx"
    path.write_bytes(
        _xlsx([["区划代码", "名称", "上级代码", "层级"], ["510722105", "金石镇", "510722", "镇"]]).read()
    )
    out = io.StringIO()
    call_command("import-regions", str(path), stdout=out)
    assert "新增 1 条" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([["区划代码", "名称", "上级代码", "层级"], ["12", "坏", "", "镇"]]).read())
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import-regions", str(bad), stdout=io.StringIO(), stderr=io.StringIO())


def test_reset_password_applies_the_policy_forces_a_change_and_checks_the_version(cast):
    import pytest as _pytest
    from django.core.exceptions import PermissionDenied, ValidationError
    from rest_framework.authtoken.models import Token

    from shian.core.models import AuditLog
    from shian.core.services import ConcurrentEditError
    from shian.organisation.models import User
    from shian.organisation.services import reset_password

    user = User.objects.get(pk=cast.edu_liaison.pk)
    Token.objects.create(user=user)
    with _pytest.raises(ValidationError) as exc:
        reset_password(user, "abc", actor=cast.office_user, expected_version=user.version)
    assert "password" in exc.value.message_dict
    with _pytest.raises(ConcurrentEditError):
        reset_password(user, "Reset#2026ok", actor=cast.office_user, expected_version=user.version + 5)
    with _pytest.raises(PermissionDenied):
        reset_password(user, "Reset#2026ok", actor=user, expected_version=user.version)
    reset_password(user, "Reset#2026ok", actor=cast.office_user, expected_version=user.version)
    after = User.objects.get(pk=user.pk)
    assert after.check_password("Reset#2026ok") and after.must_change_password
    assert not Token.objects.filter(user=user).exists()
    assert AuditLog.objects.filter(event="password_reset", object_id=str(user.pk)).exists()
