from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.campaigns.models import Campaign
from shian.core.models import AuditLog
from shian.scoring import services
from shian.scoring.models import Deduction, ItemScore
from shian.scoring.tests.factories import expert, score, self_assessment


def test_it_scores_item_as_value_minus_deductions(cast):
    a = self_assessment(cast)
    item = cast.items[0]  # 4 points, rule: 权重低于3% −2
    s = score(cast, a, item, rules=[item.deductions.get()], free_deductions=[("常委会未专题研究", "0.5")])
    assert s.points == Decimal("1.5")
    assert sorted(d.description for d in s.deductions.all()) == ["常委会未专题研究", "权重低于3%"]


def test_it_refuses_points_outside_step_or_value(cast):
    a = self_assessment(cast)
    with pytest.raises(ValidationError) as exc:
        score(cast, a, cast.items[0], "3.3")
    assert "步长" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        score(cast, a, cast.items[0], "4.5")
    assert "超过该项分值4" in str(exc.value)


def test_rescoring_replaces_deductions(cast):
    a = self_assessment(cast)
    score(cast, a, cast.items[1], free_deductions=[("缺清单", "1")])
    s = score(cast, a, cast.items[1], free_deductions=[])
    assert s.points == Decimal("2") and not s.deductions.exists()
    assert Deduction.objects.count() == 0


def test_result_totals_bonus_and_veto(cast):
    a = self_assessment(cast)
    score(cast, a, cast.items[0], 4)
    score(cast, a, cast.items[1], 2)
    score(cast, a, cast.items[2], "4.5")
    score(cast, a, cast.items[3], 10)
    r = services.assessment_result(a)
    assert [c.awarded for c in r.categories] == [Decimal("6"), Decimal("4.5"), Decimal("10")]
    assert r.base_total == Decimal("10.5") and r.base_max == Decimal("11")
    assert r.bonus_total == Decimal("10")
    veto = a.vetoes.get()
    services.answer_veto(
        veto,
        actor=cast.office_user,
        occurred=True,
        evidence="2024年3月发生集体食物中毒",
        override_reason="事件登记尚未补录，经调查确认",
        expected_version=veto.version,
    )
    r = services.assessment_result(a)
    assert r.outcome == "failed"
    assert any("存在否决情形" in g.reason for g in r.gates)


def test_veto_yes_needs_evidence(cast):
    from shian.framework.models import Gate

    # A gate no register speaks to is answered by the office, with evidence for a yes.
    gate = Gate.objects.create(framework=cast.framework, seq=9, kind="veto", name="创建数据材料弄虚作假")
    a = self_assessment(cast)
    answer = a.vetoes.get(gate=gate)
    assert answer.derived is None
    with pytest.raises(ValidationError) as exc:
        services.answer_veto(
            answer, actor=cast.office_user, occurred=True, evidence="", expected_version=answer.version
        )
    assert "evidence" in exc.value.message_dict


def test_locked_assessment_is_read_only_and_logged(cast):
    a = self_assessment(cast)
    score(cast, a, cast.items[1], 2)
    services.lock_assessment(a, actor=cast.office_user, expected_version=a.version)
    with pytest.raises(ValidationError) as exc:
        score(cast, a, cast.items[1], 1)
    assert "已签署锁定" in str(exc.value)
    assert AuditLog.objects.filter(event="assessment_locked", object_id=str(a.pk)).exists()


def test_only_the_office_of_the_region_scores(cast):
    a = self_assessment(cast)
    with pytest.raises(PermissionDenied):
        services.score_item(a, cast.items[1], actor=cast.other_office_user, points=Decimal(1))
    with pytest.raises(PermissionDenied):
        services.score_item(a, cast.items[1], actor=cast.leader, points=Decimal(1))


def test_compare_shows_changes_item_by_item(cast):
    a = self_assessment(cast, title="自评")
    b = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    score(cast, a, cast.items[1], 1)
    score(cast, b, cast.items[1], 2)
    score(cast, a, cast.items[2], 5)
    score(cast, b, cast.items[2], 5)
    data = services.compare_assessments([a, b])
    rows = {r["item"].code: r for r in data["rows"]}
    assert rows["1.2"]["change"] == Decimal("1") and rows["1.2"]["changed"]
    assert rows["2.1"]["change"] == 0 and not rows["2.1"]["changed"]


def test_group_scores_spread_and_leader_confirmation(cast):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    e2 = expert(cast, "expert2")
    group = services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, members=[e2], items=[cast.items[0]]
    )
    assert set(group.members.all()) == {cast.expert, e2}
    services.submit_expert_score(group, cast.items[0], actor=cast.expert, points=Decimal("3"))
    services.submit_expert_score(group, cast.items[0], actor=e2, points=Decimal("2"))
    s = services.spread(group, cast.items[0])
    assert s["spread"] == Decimal("1") and s["mean"] == Decimal("2.5")
    with pytest.raises(PermissionDenied):
        services.confirm_group_score(group, cast.items[0], actor=e2, points=Decimal("2.5"))
    final = services.confirm_group_score(
        group, cast.items[0], actor=cast.expert, points=Decimal("2.5"), deduction_text="考核权重仅2%"
    )
    assert final.points == Decimal("2.5")
    assert final.deductions.get().points == Decimal("1.5")
    assert "极差1分" in final.note


def test_expert_cannot_score_item_outside_group(cast):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    group = services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, items=[cast.items[0]]
    )
    with pytest.raises(PermissionDenied):
        services.submit_expert_score(group, cast.items[1], actor=cast.expert, points=Decimal("1"))


def test_non_expert_cannot_join_group(cast):
    a = self_assessment(cast)
    with pytest.raises(ValidationError):
        services.save_review_group(a, actor=cast.office_user, name="组", members=[cast.edu_liaison])


def test_expert_reaches_campaign_only_through_group(cast):
    assert not Campaign.objects.restrict(cast.expert).exists()
    a = self_assessment(cast)
    services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, items=[cast.items[0]]
    )
    assert list(Campaign.objects.restrict(cast.expert)) == [cast.campaign]
    assert not ItemScore.objects.restrict(cast.expert).exists()


def test_interview_records_questions(cast):
    a = self_assessment(cast)
    i = services.save_interview(
        a,
        actor=cast.office_user,
        interviewee="李县长",
        position="县长",
        questions=[("食品安全工作纳入考核的权重是多少？", "4%", Decimal("1"))],
        score=Decimal("1"),
        max_score=Decimal("2"),
    )
    assert i.questions.get().answer == "4%"


def test_expert_score_refuses_unknown_method(cast):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    group = services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, items=[cast.items[0]]
    )
    with pytest.raises(ValidationError) as exc:
        services.submit_expert_score(
            group, cast.items[0], actor=cast.expert, points=Decimal("3"), methods=["documents", "guesswork"]
        )
    assert exc.value.message_dict == {"methods": ["未知的评价方式：guesswork"]}
    ok = services.submit_expert_score(
        group, cast.items[0], actor=cast.expert, points=Decimal("3"), methods=["documents"]
    )
    assert ok.methods == ["documents"]


def test_interview_group_must_belong_to_the_assessment(cast):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    b = services.create_assessment(cast.campaign, actor=cast.office_user, kind="city", title="市级初评")
    group_b = services.save_review_group(b, actor=cast.office_user, name="初评组", leader=cast.expert)
    with pytest.raises(ValidationError) as exc:
        services.save_interview(a, actor=cast.expert, group=group_b, interviewee="李县长")
    assert "group" in exc.value.message_dict
    assert not a.interviews.exists()
