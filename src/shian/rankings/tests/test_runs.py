"""Runs: drafts, 加减分 with evidence, publishing, snapshot immutability, quarter periods, 降级, and
appeals — by the ranked unit only, decided only by someone not involved, a correction a new version."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shian.organisation.models import User
from shian.rankings import services
from shian.rankings.models import Appeal, RankingRun, RankingScheme
from shian.rankings.signals import register_signal

D = datetime.date
LIVE = {}


@pytest.fixture
def scheme(cast):
    LIVE.clear()
    LIVE.update({cast.edu.pk: 90, cast.market.pk: 60})
    register_signal("test_live", "测试指标", "any", lambda c, s, e: dict(LIVE))
    return RankingScheme.objects.create(
        campaign=cast.campaign,
        name="成员单位季度排名",
        subject_kind="member",
        period_kind="quarter",
        weights={"test_live": 1},
        red_count=1,
        black_count=1,
        appeal_days=5,
    )


@pytest.fixture
def second_office(cast):
    return User.objects.create_user(
        username="office2", password=cast.password, unit=cast.office, role="office", name="孙副主任"
    )


def test_a_quarter_run_is_a_draft_until_published_and_then_frozen(cast, scheme):
    run = services.compute_ranking(scheme, D(2026, 5, 17), actor=cast.office_user)
    assert (run.period_start, run.period_end, run.period_label) == (
        D(2026, 4, 1),
        D(2026, 6, 30),
        "2026年第二季度",
    )
    assert not run.is_published
    assert not RankingRun.objects.readable(cast.edu_liaison).exists()  # units never see drafts
    assert RankingRun.objects.readable(cast.office_user).get() == run
    # a draft may be recomputed from fresh data
    LIVE[cast.market.pk] = 95
    run = services.compute_ranking(scheme, D(2026, 6, 30), actor=cast.office_user)
    assert RankingRun.objects.count() == 1 and run.entries[0]["unit_id"] == cast.market.pk
    services.publish_run(run, actor=cast.office_user)
    assert RankingRun.objects.readable(cast.edu_liaison).get() == run
    assert run.appeal_until == timezone.localdate() + datetime.timedelta(days=5)
    frozen = list(run.entries)
    # changing the data afterwards changes nothing in the run, and the period is not recomputed
    LIVE[cast.market.pk] = 1
    LIVE[cast.edu.pk] = 100
    run.refresh_from_db()
    assert run.entries == frozen and services.rescore(run) == frozen
    with pytest.raises(ValidationError):
        services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    with pytest.raises(ValidationError):
        services.add_adjustment(run, cast.edu, 5, "迟到的加分", actor=cast.office_user)


def test_adjustments_with_reason_and_evidence_rescore_the_draft(cast, scheme):
    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    assert run.entry_for(cast.edu.pk)["rank"] == 1
    pdf = SimpleUploadedFile(
        "表彰文件.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    )
    adj = services.add_adjustment(run, cast.market, "35", "获省级表彰", actor=cast.office_user, evidence=pdf)
    services.add_adjustment(run, cast.edu, -2.5, "迟报一次", actor=cast.office_user)
    run.refresh_from_db()
    market = run.entry_for(cast.market.pk)
    assert (market["base"], market["adjust"], market["score"], market["rank"]) == (60.0, 35.0, 95.0, 1)
    assert market["adjustments"] == [{"points": 35.0, "reason": "获省级表彰"}]
    assert run.entry_for(cast.edu.pk)["score"] == 87.5
    assert adj.evidence_name == "表彰文件.pdf" and adj.evidence
    with pytest.raises(ValidationError):
        services.add_adjustment(run, cast.edu, 1, " ", actor=cast.office_user)
    with pytest.raises(ValidationError):
        services.add_adjustment(run, cast.other_edu, 1, "外县", actor=cast.office_user)
    with pytest.raises(PermissionDenied):
        services.add_adjustment(run, cast.edu, 1, "自己加分", actor=cast.edu_liaison)
    # recomputing the draft keeps its adjustments
    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    assert run.entry_for(cast.market.pk)["score"] == 95.0
    services.remove_adjustment(adj, actor=cast.office_user)
    run.refresh_from_db()
    assert run.entry_for(cast.market.pk)["score"] == 60.0


def test_a_veto_incident_in_the_area_overrides_the_score(cast, scheme):
    from shian.incidents.testing import make_incident

    make_incident(cast.town, occurred_on=D(2026, 5, 10), concealed=True, lead_unit=cast.edu)
    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    edu = run.entry_for(cast.edu.pk)
    assert edu["score"] == 90.0 and edu["list"] == "black" and "否决" in edu["demoted"]
    assert run.entries[-1]["unit_id"] == cast.edu.pk and run.entries[0]["list"] == "red"
    scheme.veto_demotes = False
    scheme.save()
    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    assert run.entry_for(cast.edu.pk)["list"] == "red"


@pytest.fixture
def published(cast, scheme):
    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    return services.publish_run(run, actor=cast.office_user)


def test_only_the_ranked_units_own_people_appeal_within_the_window(cast, published):
    for outsider in (cast.office_user, cast.leader, cast.town_liaison, cast.other_liaison, cast.expert):
        with pytest.raises(PermissionDenied):
            services.file_appeal(published, actor=outsider, reason="不服")
    appeal = services.file_appeal(published, actor=cast.market_liaison, reason="数据有误")
    assert appeal.unit == cast.market
    with pytest.raises(ValidationError):
        services.file_appeal(published, actor=cast.market_liaison, reason="再次申诉")
    RankingRun.objects.filter(pk=published.pk).update(
        appeal_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    published.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.file_appeal(published, actor=cast.edu_head, reason="过了申诉期")


def test_drafts_cannot_be_appealed(cast, scheme):
    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    with pytest.raises(PermissionDenied):
        services.file_appeal(run, actor=cast.market_liaison, reason="草稿")


def test_an_appeal_is_decided_only_by_someone_not_involved(cast, published, second_office):
    appeal = services.file_appeal(published, actor=cast.market_liaison, reason="数据有误")
    # the run's computer/publisher, the unit itself, the leader, the other county: refused
    for who in (cast.office_user, cast.market_liaison, cast.leader, cast.other_office_user, cast.edu_liaison):
        with pytest.raises(PermissionDenied):
            services.decide_appeal(appeal, actor=who, upheld=False, decision="维持", reply="维持")
    with pytest.raises(ValidationError):
        services.decide_appeal(appeal, actor=second_office, upheld=False, decision="维持", reply="")
    services.decide_appeal(
        appeal, actor=second_office, upheld=False, decision="数据核实无误", reply="经核实，维持原排名。"
    )
    appeal.refresh_from_db()
    assert appeal.status == "rejected" and appeal.decided_by == second_office and appeal.corrected_run is None
    with pytest.raises(ValidationError):
        services.decide_appeal(appeal, actor=second_office, upheld=True, decision="x", reply="x")


def test_a_correction_makes_a_new_version_that_keeps_the_old(cast, published, second_office):
    old_entries = list(published.entries)
    appeal = services.file_appeal(published, actor=cast.market_liaison, reason="漏计一次按时报送")
    services.decide_appeal(
        appeal,
        actor=second_office,
        upheld=True,
        decision="漏计属实，加40分",
        reply="申诉成立，已更正。",
        correction_points=40,
    )
    appeal.refresh_from_db()
    new = appeal.corrected_run
    published.refresh_from_db()
    assert new.revision == 2 and new.supersedes == published and new.is_published and new.is_current
    assert not published.is_current and published.entries == old_entries  # the old version is kept
    market = new.entry_for(cast.market.pk)
    assert market["score"] == 100.0 and market["rank"] == 1 and market["list"] == "red"
    assert market["adjustments"][-1]["reason"].startswith("申诉更正")
    assert new.published_by == second_office and new.computed_by == cast.office_user
    assert Appeal.objects.get().reply == "申诉成立，已更正。"


def test_publishing_a_draft_changed_since_it_was_read_is_refused(cast, scheme):
    from shian.core.services import ConcurrentEditError

    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    seen = run.version
    services.add_adjustment(run, cast.edu, 1, "加分", actor=cast.office_user)
    with pytest.raises(ConcurrentEditError):
        services.publish_run(RankingRun.objects.get(pk=run.pk), actor=cast.office_user, expected_version=seen)
    run = services.compute_ranking(scheme, D(2026, 4, 1), actor=cast.office_user)
    assert run.version > seen + 1
