"""示范引领 bonus: an approved project's rubric total scores its item (value × total / 40, rounded down
to the step, never above the value), the bonus category stays under its cap, and the assessment links
the project; a score a person gave stays."""

from decimal import Decimal

from shian.framework.models import ScoringItem
from shian.scoring import services as scoring
from shian.scoring.hooks import _BONUS_SOURCES
from shian.showcase.bonus import bonus_from_projects
from shian.showcase.testing import make_project


def approved(cast, item, scores, title="智慧食安"):
    names = ("score_targeted", "score_innovative", "score_exemplary", "score_replicable")
    return make_project(
        cast.campaign,
        cast.market,
        title=title,
        item=item,
        status="approved",
        **dict(zip(names, scores, strict=True)),
    )


def assess(cast):
    return scoring.create_assessment(cast.campaign, actor=cast.office_user, title="自评")


def bonus_item(cast):
    return cast.items[3]  # 3.1, 10 points, in the 示范引领 block capped at 10


def test_the_projects_are_registered_as_a_bonus_source():
    assert bonus_from_projects in _BONUS_SOURCES


def test_points_are_the_value_times_the_rubric_share_rounded_down_to_the_step(cast):
    item = bonus_item(cast)
    p = approved(cast, item, (9, 8, 7, 8))  # 32/40 → 10 × 0.8 = 8
    a = assess(cast)
    s = a.scores.get(item=item)
    assert s.points == Decimal("8")
    assert s.source_refs == [{"label": "示范引领项目：智慧食安（32/40）", "url": p.get_absolute_url()}]
    assert "10×32/40" in s.note
    p.score_replicable = 6  # 30/40 → 7.5
    p.save()
    scoring.apply_bonus(a, actor=cast.office_user)
    assert a.scores.get(item=item).points == Decimal("7.5")
    p.score_replicable = 5  # 29/40 → 7.25 → 7 in steps of 0.5
    p.save()
    scoring.apply_bonus(a, actor=cast.office_user)
    assert a.scores.get(item=item).points == Decimal("7")


def test_the_best_approved_project_counts_and_drafts_do_not(cast):
    item = bonus_item(cast)
    approved(cast, item, (5, 5, 5, 5), title="一般项目")
    approved(cast, item, (10, 9, 9, 8), title="优秀项目")  # 36 → 9
    make_project(cast.campaign, cast.market, title="草稿", item=item, status="submitted")
    a = assess(cast)
    s = a.scores.get(item=item)
    assert s.points == Decimal("9")
    assert [r["label"].split("：")[1].split("（")[0] for r in s.source_refs] == ["优秀项目", "一般项目"]


def test_no_approved_project_leaves_the_item_to_the_experts(cast):
    make_project(cast.campaign, cast.market, item=bonus_item(cast), status="submitted")
    a = assess(cast)
    assert not a.scores.filter(item=bonus_item(cast)).exists()


def test_the_bonus_category_is_capped(cast):
    first = bonus_item(cast)
    second = ScoringItem.objects.create(
        indicator=first.indicator, seq=2, code="3.2", content="包保责任制创新", points=Decimal("5")
    )
    approved(cast, first, (10, 10, 10, 10), title="甲")  # 10
    approved(cast, second, (10, 10, 10, 10), title="乙")  # 5
    a = assess(cast)
    result = scoring.assessment_result(a)
    bonus = next(c for c in result.categories if c.category.is_bonus)
    assert bonus.raw == Decimal("15") and bonus.awarded == Decimal("10")
    assert result.bonus_total == Decimal("10")


def test_a_score_given_by_hand_stays(cast):
    item = bonus_item(cast)
    p = approved(cast, item, (8, 8, 8, 8))
    a = assess(cast)
    s = a.scores.get(item=item)
    scoring.score_item(
        a,
        item,
        actor=cast.office_user,
        points=Decimal("6"),
        note="答辩后评审组评定",
        expected_version=s.version,
    )
    assert a.scores.get(item=item).source_refs == []  # a person's score names no source
    p.score_targeted = 10
    p.save()
    assert scoring.apply_bonus(a, actor=cast.office_user) == 0
    assert a.scores.get(item=item).points == Decimal("6")


def test_the_assessment_page_links_the_project(cast, login):
    p = approved(cast, bonus_item(cast), (9, 8, 7, 8))
    a = assess(cast)
    html = login(cast.office_user).get(a.get_absolute_url()).content.decode()
    assert f'href="{p.get_absolute_url()}"' in html


def test_approving_a_project_scores_the_open_assessment(cast):
    from shian.showcase import services as showcase

    a = assess(cast)
    p = make_project(cast.campaign, cast.market, title="智慧食安", item=bonus_item(cast), complete=True)
    p = showcase.submit_project(p, actor=cast.office_user, expected_version=p.version)
    showcase.review_project(
        p,
        actor=cast.office_user,
        expected_version=p.version,
        approve=True,
        score_targeted=10,
        score_innovative=10,
        score_exemplary=8,
        score_replicable=8,
    )
    assert a.scores.get(item=bonus_item(cast)).points == Decimal("9")
