import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document as open_docx

from shian.reports import services


def test_report_command_writes_the_circular(cast, dispatch_round, tmp_path):
    out = tmp_path / "通报.docx"
    call_command(
        "report",
        "circular",
        campaign=cast.campaign.pk,
        round=dispatch_round.pk,
        output=str(out),
        stdout=io.StringIO(),
    )
    text = "\n".join(p.text for p in open_docx(str(out)).paragraphs)
    assert "未报送的单位：市场监管局。" in text and "〕1号" not in text  # a draft: the 文号 comes at 定稿


def test_report_command_uses_saved_words(cast, dispatch_round, tmp_path):
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    services.save_narrative(
        doc, {"requirements": "三是从严问责。"}, actor=cast.office_user, expected_version=doc.version
    )
    out = tmp_path / "c.docx"
    call_command(
        "report",
        "circular",
        campaign=cast.campaign.pk,
        round=dispatch_round.pk,
        output=str(out),
        stdout=io.StringIO(),
    )
    assert "三是从严问责。" in [p.text for p in open_docx(str(out)).paragraphs]


def test_report_command_explains_missing_data(cast, other_round, tmp_path):
    with pytest.raises(CommandError, match="不存在或不属于该创建项目"):
        call_command(
            "report",
            "circular",
            campaign=cast.campaign.pk,
            round=other_round.pk,
            output=str(tmp_path / "x.docx"),
        )
    with pytest.raises(CommandError, match="评分模块中尚无可用的评审"):
        call_command("report", "self-assessment", campaign=cast.campaign.pk, output=str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match=".docx 或 .pdf"):
        call_command("report", "summary", campaign=cast.campaign.pk, output=str(tmp_path / "x.txt"))


def test_report_command_takes_the_saved_bulletin_of_this_month(cast, tmp_path):
    doc = services.create_document(cast.campaign, "bulletin", actor=cast.office_user)
    services.save_narrative(
        doc, {"next": "下月集中开展迎检演练。"}, actor=cast.office_user, expected_version=doc.version
    )
    out = tmp_path / "b.docx"
    call_command("report", "bulletin", campaign=cast.campaign.pk, output=str(out), stdout=io.StringIO())
    paras = [p.text for p in open_docx(str(out)).paragraphs]
    assert "下月集中开展迎检演练。" in paras and "第1期" in paras
