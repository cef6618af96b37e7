import datetime

import pytest
from django.core.management import CommandError, call_command

from shian.core.models import AuditLog
from shian.registry.importer import import_businesses
from shian.registry.models import Business
from shian.registry.tests.sheets import csv_gbk, rows, xls, xlsx


def test_it_imports_an_xlsx_with_a_title_row_and_header_synonyms(cast):
    result = import_businesses(xlsx(rows(cast)), actor=cast.office_user, filename="a.xlsx")
    assert result.ok, result.errors
    assert (result.rows_read, result.created, result.updated) == (3, 3, 0)
    b = Business.objects.get(name="潼川镇老字号饭店1")
    assert b.region == cast.town and b.category.name == "小餐饮" and b.risk_grade == "B"
    assert b.licence_valid_until == datetime.date(2027, 6, 30) and b.bright_kitchen and b.status == "open"
    assert Business.objects.get(name="潼川镇老字号饭店3").region == cast.town  # region given by its code
    assert AuditLog.objects.filter(event="businesses_imported").count() == 1


@pytest.mark.parametrize("build", [csv_gbk, xls], ids=["csv-gbk", "xls"])
def test_it_reads_gbk_csv_and_old_xls(cast, build):
    result = import_businesses(build(rows(cast)), actor=cast.office_user)
    assert result.ok, result.errors
    assert Business.objects.filter(region__path__startswith=cast.county.path).count() == 3


def test_reimporting_the_same_file_changes_nothing(cast):
    import_businesses(xlsx(rows(cast)), actor=cast.office_user)
    again = import_businesses(xlsx(rows(cast)), actor=cast.office_user)
    assert (again.created, again.updated) == (0, 0)
    assert Business.objects.count() == 3


def test_a_correction_file_updates_only_its_columns(cast):
    import_businesses(xlsx(rows(cast)), actor=cast.office_user)
    code = rows(cast)[1][2]
    fix = xlsx([[code, "D级", "潼川镇"]], header=["统一社会信用代码", "风险分级", "乡镇"], title=None)
    result = import_businesses(fix, actor=cast.office_user)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    b = Business.objects.get(credit_code=code)
    assert b.risk_grade == "D" and b.name == "芦溪镇老字号饭店2" and b.version == 2 and b.region == cast.town


def test_a_wrong_check_digit_rejects_the_whole_file_with_row_and_column(cast):
    data = rows(cast)
    data[1][2] = data[1][2][:17] + ("0" if data[1][2][17] != "0" else "1")
    result = import_businesses(xlsx(data), actor=cast.office_user)
    assert not result.ok and Business.objects.count() == 0
    assert any("第4行C列（统一社会信用代码）" in e and "校验位错误" in e for e in result.errors), (
        result.errors
    )


def test_unknown_category_and_region_outside_scope_are_named(cast):
    data = rows(cast)
    data[0][4] = "火锅城"
    data[1][5] = "盐亭县"
    result = import_businesses(xlsx(data), actor=cast.office_user)
    assert Business.objects.count() == 0
    text = "\n".join(result.errors)
    assert "第3行E列（业态）：“火锅城”不是已配置的业态" in text
    assert "第4行F列（所属区划）：“盐亭县”区划不存在或不在您的管辖范围内" in text


def test_duplicate_rows_and_missing_identifiers_are_errors(cast):
    data = rows(cast)
    data.append(list(data[0]))
    data.append([9, "无证小摊", "", "", "小摊贩", "潼川镇", "", "", "", "", ""])
    result = import_businesses(xlsx(data), actor=cast.office_user)
    text = "\n".join(result.errors)
    assert "与第3行重复" in text and "至少填写一项" in text and Business.objects.count() == 0


def test_a_new_business_needs_category_and_region(cast):
    result = import_businesses(
        xlsx([["92510722MA0000001X", "A"]], header=["统一社会信用代码", "风险等级"], title=None),
        actor=cast.office_user,
    )
    assert not result.ok


def test_a_liaison_of_a_member_unit_cannot_import(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_businesses(xlsx(rows(cast)), actor=cast.edu_liaison)


def test_a_township_imports_only_into_its_township(cast):
    result = import_businesses(xlsx(rows(cast)), actor=cast.town_liaison)
    assert not result.ok and "芦溪镇" in "\n".join(result.errors)


def test_the_command_prints_counts(cast, tmp_path, capsys):
    path = tmp_path / "主体.xlsx"
    path.write_bytes(xlsx(rows(cast)).getvalue())
    call_command("import-businesses", str(path))
    assert "读取 3 行，新增 3 个，更新 0 个，拒绝 0 行" in capsys.readouterr().out
    bad = rows(cast)
    bad[0][2] = "123"
    path.write_bytes(xlsx(bad).getvalue())
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import-businesses", str(path))
