"""The 工作总结 prints the period's 社会共治 figures from the ledgers (no more typed "开展宣传活动250场")."""

import datetime
import io
from decimal import Decimal

from docx import Document as open_docx

from shian.community.models import Activity, RewardReport
from shian.reports import services


def test_summary_prints_the_periods_community_figures(cast):
    d = datetime.date
    for n, day in enumerate([d(2026, 2, 1), d(2026, 5, 1), d(2026, 8, 1)]):
        Activity.objects.create(
            region=cast.town, kind="publicity", title=f"宣传{n}", held_on=day, participants=100, materials=50
        )
    Activity.objects.create(region=cast.other_county, kind="publicity", title="盐亭", held_on=d(2026, 3, 1))
    RewardReport.objects.create(
        region=cast.town2,
        number="JB1",
        received_on=d(2026, 3, 1),
        subject="某店",
        status="rewarded",
        verified_on=d(2026, 3, 10),
        paid_on=d(2026, 4, 1),
        reward_amount=Decimal(500),
    )
    doc = services.create_document(cast.campaign, "summary", actor=cast.office_user, period="2026-H1")
    f = services.generate_document(doc, actor=cast.office_user, pdf=False)
    text = "\n".join(p.text for p in open_docx(io.BytesIO(f.docx.read())).paragraphs)
    assert "开展食品安全宣传和社会共治活动2场，参与群众200人次" in text
    assert "受理有奖举报1件，查证属实1件，发放奖励500元" in text
    assert f.figures["community"]["activities"] == "2" and f.figures["community"]["rewards_paid"] == "500"


def test_reward_amounts_print_the_same_on_either_database(cast):
    """PostgreSQL sums keep the column's two places (500.00); the documents print what SQLite prints."""
    from shian.community import figures

    RewardReport.objects.create(
        region=cast.town,
        number="JB2",
        received_on=datetime.date(2026, 3, 1),
        subject="某店",
        status="rewarded",
        verified_on=datetime.date(2026, 3, 2),
        paid_on=datetime.date(2026, 3, 3),
        reward_amount=Decimal("200.5"),
    )
    paid = figures.counts(cast.county, datetime.date(2026, 6, 30))["rewards_paid"]
    assert str(paid) == "200.50"
    RewardReport.objects.filter(number="JB2").update(reward_amount=Decimal(200))
    assert str(figures.counts(cast.county, datetime.date(2026, 6, 30))["rewards_paid"]) == "200"
