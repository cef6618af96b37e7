"""`shian import-framework` and `shian export-framework`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shian.framework.models import Framework, ScoringItem
from shian.framework.sample import load_sample_framework
from shian.framework.tests import sheets


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_summary_with_unmatched_names(anlan, tmp_path):
    path = tmp_path / "任务分解表.xlsx"
    path.write_bytes(sheets.wps_xlsx())
    out, _ = run("import-framework", str(path), "--region", "510799")
    assert "类别 2 个，指标 4 个，评分项 6 个（关键项 1 个），基本项合计 20 分" in out
    assert "未匹配的单位名称（1）：县委编办" in out
    fw = Framework.objects.get()
    assert f"已导入，细则编号 {fw.pk}" in out
    assert fw.owner_region == anlan.county and fw.name == sheets.TITLE


def test_dry_run_writes_nothing_and_create_units_creates(anlan, tmp_path):
    path = tmp_path / "a.xls"
    path.write_bytes(sheets.wps_xls())
    out, _ = run("import-framework", str(path), "--region", "510799", "--dry-run", "--create-units")
    assert "新建单位（1）：县委编办" in out and "试运行：未写入任何数据" in out
    assert not Framework.objects.exists()
    out, _ = run("import-framework", str(path), "--region", "510799", "--create-units", "--name", "县细则")
    assert "单位名称全部匹配" in out
    assert ScoringItem.objects.get(code="6").coop_units()[-1].name == "县委编办"


def test_errors_exit_non_zero_and_write_nothing(anlan, tmp_path):
    rows = [list(r) for r in sheets.WPS_ROWS]
    rows[0][4] = "abc"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(sheets.wps_xlsx(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处错误，未导入任何数据"):
        call_command("import-framework", str(path), "--region", "510799", stdout=io.StringIO(), stderr=err)
    assert "工作表“评价细则”第3行E列（标准分）：“abc”不是有效的数字" in err.getvalue()
    assert not Framework.objects.exists()
    with pytest.raises(CommandError, match="区划代码“999999”不存在"):
        call_command("import-framework", str(path), "--region", "999999")
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import-framework", str(tmp_path / "none.xlsx"))


def test_export_then_import_by_command(anlan, tmp_path):
    fw = load_sample_framework(owner_region=anlan.county)
    for ext in ("xlsx", "yaml"):
        target = tmp_path / f"细则.{ext}"
        out, _ = run("export-framework", str(fw.pk), "-o", str(target))
        assert target.exists() and "已导出" in out
        out, _ = run("import-framework", str(target), "--region", "510799")
        assert (
            "类别 4 个，指标 23 个，评分项 54 个（关键项 10 个），基本项合计 100 分，加分项封顶 10 分，否决项与门槛 9 条"
            in out
        )
        assert "单位名称全部匹配" in out
    with pytest.raises(CommandError, match="扩展名"):
        call_command("export-framework", str(fw.pk), "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="不存在"):
        call_command("export-framework", "99999", "-o", str(tmp_path / "x.xlsx"))
