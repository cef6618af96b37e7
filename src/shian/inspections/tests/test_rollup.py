from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from shian.inspections import rollup
from shian.inspections.testing import complete, drawn_plan_with_visits
from shian.registry.models import SiteCategory
from shian.scoring import services as scoring
from shian.scoring.models import ItemScore


def test_visit_scores_become_the_points_of_the_mapped_onsite_item(cast, login):
    item = cast.items[1]  # 1.2 学校食堂 … 2 points
    item.methods = ["documents", "onsite"]
    item.save()
    rollup.set_mapping(item, [SiteCategory.objects.get(code="school")], actor=cast.office_user)
    with pytest.raises(PermissionDenied):
        rollup.set_mapping(item, [], actor=cast.other_office_user)
    plan, visits = drawn_plan_with_visits(cast)
    schools = [v for v in visits if v.business.category.code == "school"]
    complete(schools[0], cast.expert)  # 100
    complete(schools[1], cast.expert, fail_seq=(5, 7))  # < 100
    schools[1].refresh_from_db()
    avg = (Decimal(100) + schools[1].score) / 2
    expected = (Decimal(2) * avg / 100 / Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR") * Decimal(
        "0.5"
    )
    (row,) = [r for r in rollup.planned_points(plan) if r[0] == item]
    assert row[2] == 2 and row[4] == expected
    assessment = scoring.create_assessment(cast.campaign, actor=cast.office_user, title="模拟评审")
    client = login(cast.office_user)
    response = client.post(f"/inspections/{plan.pk}/rollup/", {"assessment": assessment.pk})
    assert response.status_code == 302
    score = ItemScore.objects.get(assessment=assessment, item=item)
    assert score.points == expected and "现场检查点位平均得分" in score.note and score.methods == ["onsite"]
    page = client.get(f"/inspections/mapping/{cast.framework.pk}/").content.decode()
    assert "1.2" in page and "checked" in page
    assert (
        login(cast.other_office_user)
        .post(f"/inspections/{plan.pk}/rollup/", {"assessment": assessment.pk})
        .status_code
        == 404
    )


def test_the_review_report_onsite_section_is_written_from_the_visits(cast):
    from shian.inspections.report import onsite_text

    plan, visits = drawn_plan_with_visits(cast)
    assert onsite_text(cast.campaign, "mock") == ""
    complete(visits[0], cast.expert, fail_seq=(1,))
    complete(visits[1], cast.expert)
    text = onsite_text(cast.campaign, "mock")
    assert text.startswith("现场检查共抽查2个点位，其中明查")
    assert "发现的主要问题：" in text and visits[0].business.category.name in text
    assert onsite_text(cast.campaign, "provincial") == ""  # a real review's section uses its own plans
