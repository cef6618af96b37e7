"""`shian import-ledger` and `shian indicator`."""

import datetime
import os

import pytest
from django.core.management import CommandError, call_command

from shian.supervision.models import SamplingRecord
from shian.supervision.tests.factories import bulk_samples, indicator
from shian.supervision.tests.test_import import HEAD, row, xlsx


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(xlsx(rows).getvalue())
    return str(path)


def test_import_ledger_prints_counts_and_is_idempotent(cast, tmp_path, capsys):
    path = write(tmp_path, "抽检.xlsx", [HEAD, row("S1"), row("S2")])
    call_command("import-ledger", "sampling", path)
    assert "读取 2 行，新增 2 行，更新 0 行，拒绝 0 行" in capsys.readouterr().out
    call_command("import-ledger", "sampling", path)
    assert "读取 2 行，新增 0 行，更新 2 行，拒绝 0 行" in capsys.readouterr().out


def test_import_ledger_rejects_and_writes_the_report_next_to_the_file(cast, tmp_path, capsys):
    path = write(tmp_path, "坏.xlsx", [HEAD, row("S1"), row("S2", result="??")])
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import-ledger", "sampling", path)
    assert "拒绝 1 行" in capsys.readouterr().out
    assert os.path.exists(tmp_path / "坏.错误报告.xlsx")
    assert SamplingRecord.objects.count() == 0


def test_indicator_command_prints_value_numerator_denominator_target(cast, capsys):
    indicator()
    bulk_samples(cast.town, 2_000, start=datetime.date(2022, 1, 1), days=365, prefix="A")
    bulk_samples(cast.other_county, 435, start=datetime.date(2022, 1, 1), days=365, prefix="B")
    call_command("indicator", "sampling_per_1000", "--region", "510700", "--period", "2022", "--drill-down")
    out = capsys.readouterr().out
    # 2435 batches / 4868 thousand residents / 1 year = 0.5002
    assert "数值：0.5002 批次/千人·年" in out
    assert "分子：2435" in out and "分母：4868" in out and "目标：4（未达标）" in out
    assert "三台县：1.9（分子 2000）" in out and "盐亭县：0.9886（分子 435）" in out


def test_indicator_command_refuses_bad_input(cast):
    indicator()
    with pytest.raises(CommandError, match="区划代码"):
        call_command("indicator", "sampling_per_1000", "--region", "999", "--period", "2022")
    with pytest.raises(CommandError, match="无法识别"):
        call_command("indicator", "sampling_per_1000", "--region", "510722", "--period", "2022-Q5")
