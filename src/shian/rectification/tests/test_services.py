import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from shian.core.jobs import enqueue
from shian.core.models import Job
from shian.readiness.gap import analyse
from shian.rectification import services
from shian.rectification.choices import Escalation, Status
from shian.rectification.models import Problem, Summons
from shian.scoring import services as scoring


def make_problem(cast, **kw):
    fields = {
        "description": "学校食堂未公示食品安全管理员",
        "unit": cast.edu,
        "deadline": timezone.localdate() + datetime.timedelta(days=10),
    }
    fields.update(kw)
    return services.create_problem(cast.campaign, actor=cast.office_user, **fields)


def test_unit_fixes_and_office_verifies(cast):
    p = make_problem(cast)
    services.add_progress(p, actor=cast.edu_liaison, text="已制定公示牌模板", expected_version=p.version)
    assert p.status == Status.IN_PROGRESS
    services.submit_completion(
        p, actor=cast.edu_liaison, text="全县52所学校已公示", expected_version=p.version
    )
    with pytest.raises(PermissionDenied):
        services.verify_problem(
            p, actor=cast.edu_liaison, method="onsite", note="自己销号", expected_version=p.version
        )
    services.verify_problem(
        p, actor=cast.office_user, method="onsite", note="抽查5所学校均已公示", expected_version=p.version
    )
    p.refresh_from_db()
    assert p.status == Status.VERIFIED and p.verified_by == cast.office_user and p.verify_method == "onsite"
    assert [n.kind for n in p.notes.order_by("at", "id")] == ["progress", "submit", "verify"]


def test_other_unit_cannot_report(cast):
    p = make_problem(cast)
    with pytest.raises(PermissionDenied):
        services.add_progress(p, actor=cast.market_liaison, text="越权", expected_version=p.version)
    with pytest.raises(PermissionDenied):
        services.add_progress(p, actor=cast.leader, text="只读", expected_version=p.version)


def test_reopen_keeps_history(cast):
    p = make_problem(cast)
    services.submit_completion(p, actor=cast.edu_liaison, text="已整改", expected_version=p.version)
    services.verify_problem(
        p, actor=cast.office_user, method="documents", note="资料齐全", expected_version=p.version
    )
    services.reopen_problem(p, actor=cast.office_user, reason="暗访发现问题反弹", expected_version=p.version)
    p.refresh_from_db()
    assert p.status == Status.IN_PROGRESS and p.reopen_count == 1 and p.verified_at is None
    kinds = [n.kind for n in p.notes.order_by("at", "id")]
    assert kinds == ["submit", "verify", "reopen"]
    assert "原销号：王主任" in p.notes.get(kind="reopen").text


def test_unit_must_lie_in_campaign_region(cast):
    with pytest.raises(ValidationError) as exc:
        make_problem(cast, unit=cast.other_edu)
    assert "unit" in exc.value.message_dict


def test_deductions_become_problems_once(cast):
    a = scoring.create_assessment(cast.campaign, actor=cast.office_user, title="自评")
    scoring.score_item(a, cast.items[0], actor=cast.office_user, rules=[cast.items[0].deductions.get()])
    scoring.score_item(
        a, cast.items[1], actor=cast.office_user, free_deductions=[("责任清单未覆盖民办幼儿园", "0.5")]
    )
    created = services.problems_from_deductions(a, actor=cast.office_user)
    assert len(created) == 2
    by_unit = {p.unit.short_name: p for p in created}
    assert by_unit["教育局"].description == "1.2 责任清单未覆盖民办幼儿园"
    assert by_unit["教育局"].points == Decimal("0.5") and list(by_unit["教育局"].items.all()) == [
        cast.items[1]
    ]
    assert by_unit["创建办"].severity == "red"  # key item
    assert services.problems_from_deductions(a, actor=cast.office_user) == []


def test_escalation_ladder_is_idempotent(cast):
    today = timezone.localdate()
    late = make_problem(cast, deadline=today - datetime.timedelta(days=20))
    week = make_problem(cast, deadline=today - datetime.timedelta(days=8), unit=cast.market)
    day = make_problem(cast, deadline=today - datetime.timedelta(days=1))
    fine = make_problem(cast, deadline=today + datetime.timedelta(days=1))
    counts = services.escalate_problems(today=today)
    assert counts == {"reminder": 3, "warning": 2, "interview": 1}
    for p in (late, week, day, fine):
        p.refresh_from_db()
    assert [late.escalation, week.escalation, day.escalation, fine.escalation] == [3, 2, 1, 0]
    assert late.summons is not None and late.summons.unit == cast.edu
    assert services.escalate_problems(today=today) == {"reminder": 0, "warning": 0, "interview": 0}
    assert Summons.objects.count() == 1
    assert list(services.warnings_for_bulletin(cast.campaign)) == [late, week] or set(
        services.warnings_for_bulletin(cast.campaign)
    ) == {late, week}


def test_escalation_command_and_job(cast, django_capture_on_commit_callbacks):
    make_problem(cast, deadline=timezone.localdate() - datetime.timedelta(days=16))
    call_command("escalate-problems")
    assert Problem.objects.get().escalation == Escalation.INTERVIEW
    call_command("escalate-problems")
    assert Summons.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("rectification.escalate", "逾期升级", {"campaign": cast.campaign.pk}, cast.office_user)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


def test_summons_record_requires_attendees_date_outcome(cast):
    make_problem(cast, deadline=timezone.localdate() - datetime.timedelta(days=30))
    services.escalate_problems()
    s = Summons.objects.get()
    with pytest.raises(ValidationError) as exc:
        services.record_summons(
            s, actor=cast.office_user, held_on=None, attendees="", outcome="", expected_version=s.version
        )
    assert set(exc.value.message_dict) == {"held_on", "attendees", "outcome"}
    services.record_summons(
        s,
        actor=cast.office_user,
        held_on=timezone.localdate(),
        attendees="赵局长、张联络员",
        outcome="承诺10日内完成整改",
        expected_version=s.version,
    )
    assert s.status == "held"


def test_unit_stats(cast):
    today = timezone.localdate()
    now = timezone.now()
    p1 = make_problem(cast, found_on=today - datetime.timedelta(days=10), deadline=today)
    p2 = make_problem(
        cast, found_on=today - datetime.timedelta(days=20), deadline=today - datetime.timedelta(days=5)
    )
    make_problem(cast, deadline=today - datetime.timedelta(days=2))
    make_problem(cast, unit=cast.market)
    services.verify_problem(
        p1,
        actor=cast.office_user,
        method="documents",
        note="好",
        verified_at=now,
        expected_version=p1.version,
    )
    services.verify_problem(
        p2,
        actor=cast.office_user,
        method="documents",
        note="好",
        verified_at=now,
        expected_version=p2.version,
    )
    rows = {r["unit"].pk: r for r in services.unit_stats(Problem.objects.all(), today)}
    edu = rows[cast.edu.pk]
    assert (edu["total"], edu["closed"], edu["overdue"]) == (3, 2, 1)
    assert edu["closed_rate"] == round(2 / 3, 4)
    assert edu["on_time_rate"] == 0.5
    assert edu["avg_days"] == 15.0
    assert rows[cast.market.pk]["closed_rate"] == 0


def test_gap_list_changes_when_problem_recovers_points(cast):
    a = scoring.create_assessment(cast.campaign, actor=cast.office_user, title="自评")
    scoring.score_item(a, cast.items[0], actor=cast.office_user, points=Decimal(4))
    scoring.score_item(a, cast.items[1], actor=cast.office_user, free_deductions=[("缺清单", "1")])
    scoring.score_item(a, cast.items[2], actor=cast.office_user, points=Decimal(2))
    scoring.score_item(a, cast.items[3], actor=cast.office_user, points=Decimal(6))
    data = analyse(cast.campaign)
    assert [r["item"].code for r in data["fix_first"]] == ["2.1", "3.1", "1.2"]
    top = data["fix_first"][0]
    # 3 points lost × 1.5 (30 days to 自评) × 1.0 (data check only)
    assert top["priority"] == Decimal("4.50")
    assert top["why"][0] == "失分3分（满分5）"
    assert "距下一节点仅剩30天（紧迫 ×1.5）" in top["why"]
    assert data["readiness"] == Decimal(7) / Decimal(11)
    assert data["forecast"]["base"] == Decimal(7)
    created = services.problems_from_deductions(a, actor=cast.office_user)
    data = analyse(cast.campaign)
    assert data["forecast"]["base"] == Decimal(8)
    assert any("已有1个整改问题在办" in w for w in data["fix_first"][-1]["why"])
    services.verify_problem(
        created[0],
        actor=cast.office_user,
        method="documents",
        note="清单已补齐",
        expected_version=created[0].version,
    )
    data = analyse(cast.campaign)
    assert [r["item"].code for r in data["fix_first"]] == ["2.1", "3.1"]  # 1.2 fixed, awaiting re-scoring
    assert data["forecast"]["base"] == Decimal(8)
