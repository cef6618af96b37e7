import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shian.rankings import bulletin, services
from shian.rankings.choices import InterviewStatus
from shian.rankings.models import Interview, RankingScheme
from shian.rankings.signals import register_signal
from shian.rectification.choices import Status
from shian.rectification.models import Problem

SUBJECTS = [(1, "甲"), (2, "乙"), (3, "丙"), (4, "丁")]


def test_equal_scores_share_a_rank():
    values = {"a": {1: 90, 2: 80, 3: 80, 4: 50}}
    entries = services.score_entries(SUBJECTS, values, {"a": 1}, red_count=1, black_count=1)
    assert [(e["unit"], e["rank"]) for e in entries] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4)]
    assert [e["list"] for e in entries] == ["red", "", "", "black"]


def test_missing_signal_shares_its_weight_and_no_data_is_unranked():
    values = {"a": {1: 100, 2: 50, 3: 60}, "b": {1: 0, 2: 50}}
    entries = services.score_entries(SUBJECTS, values, {"a": 3, "b": 1}, black_count=1)
    by = {e["unit"]: e for e in entries}
    assert by["甲"]["score"] == 75.0  # (3*100 + 1*0) / 4
    assert by["丙"]["score"] == 60.0  # only a: its weight alone
    assert by["丁"]["score"] is None and by["丁"]["rank"] is None and entries[-1]["unit"] == "丁"
    assert by["乙"]["list"] == "black"


def test_red_and_black_never_overlap_when_few_subjects():
    entries = services.score_entries(SUBJECTS[:2], {"a": {1: 9, 2: 1}}, {"a": 1}, red_count=3, black_count=3)
    assert [e["list"] for e in entries] == ["red", "red"]


def _problem(cast, unit, deadline, verified_on=None):
    return Problem.objects.create(
        campaign=cast.campaign,
        unit=unit,
        description="问题",
        deadline=deadline,
        status=Status.VERIFIED if verified_on else Status.OPEN,
        verified_at=timezone.make_aware(datetime.datetime.combine(verified_on, datetime.time(10)))
        if verified_on
        else None,
    )


@pytest.fixture
def scheme(cast):
    return RankingScheme.objects.create(
        campaign=cast.campaign,
        name="成员单位月度排名",
        subject_kind="member",
        weights={"problems_on_time": 1},
        red_count=1,
        black_count=1,
    )


def test_run_is_frozen_and_reproducible(cast, scheme):
    day = datetime.date(2026, 3, 10)
    _problem(cast, cast.edu, day, verified_on=day)
    _problem(cast, cast.market, day)
    run = services.compute_ranking(scheme, day, actor=cast.office_user)
    by = {e["unit_id"]: e for e in run.entries}
    assert by[cast.edu.pk]["score"] == 100.0 and by[cast.edu.pk]["list"] == "red"
    assert by[cast.market.pk]["score"] == 0.0 and by[cast.market.pk]["list"] == "black"
    assert cast.town_unit.pk not in by and cast.other_edu.pk not in by
    frozen = list(run.entries)
    services.publish_run(run, actor=cast.office_user)
    # data changes after the run: the run reads the same, and the published month is not recomputed
    _problem(cast, cast.market, day, verified_on=day)
    run.refresh_from_db()
    assert run.entries == frozen
    with pytest.raises(ValidationError):
        services.compute_ranking(scheme, day, actor=cast.office_user)
    # recomputing the same inputs from scratch gives the same entries (here after undoing the change)
    Problem.objects.filter(unit=cast.market, status=Status.VERIFIED).delete()
    again = services.score_entries(
        services._subjects(scheme),
        {
            "problems_on_time": services.get_signal("problems_on_time").compute(
                cast.campaign, run.period_start, run.period_end
            )
        },
        run.weights,
        scheme.red_count,
        scheme.black_count,
    )
    assert again == frozen
    assert services.rescore(run) == frozen  # and re-scoring the frozen inputs never reads live data


def test_only_the_office_computes(cast, scheme):
    for who in (cast.edu_liaison, cast.other_office_user, cast.leader):
        with pytest.raises(PermissionDenied):
            services.compute_ranking(scheme, datetime.date(2026, 3, 1), actor=who)


def test_black_list_two_months_running_proposes_one_interview(
    cast, scheme, django_capture_on_commit_callbacks
):
    register_signal("test_fixed", "测试", "any", lambda c, s, e: {cast.edu.pk: 90, cast.market.pk: 10})
    scheme.weights = {"test_fixed": 1}
    scheme.save()
    first = services.compute_ranking(scheme, datetime.date(2026, 1, 5), actor=cast.office_user)
    assert services.propose_interviews(first, actor=cast.office_user) == []  # a draft proposes nothing
    services.publish_run(first, actor=cast.office_user)
    assert Interview.objects.count() == 0  # only one period on the black list so far
    second = services.compute_ranking(scheme, datetime.date(2026, 2, 5), actor=cast.office_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_run(second, actor=cast.office_user)
    created = list(Interview.objects.all())
    assert [i.unit for i in created] == [cast.market]
    assert "连续2期" in created[0].reason and set(created[0].runs.all()) == {first, second}
    assert services.propose_interviews(second, actor=cast.office_user) == []
    interview = created[0]
    with pytest.raises(ValidationError) as exc:
        services.record_interview(interview, actor=cast.office_user, status=InterviewStatus.CLOSED)
    assert "follow_up" in exc.value.message_dict
    interview.refresh_from_db()
    services.record_interview(
        interview,
        actor=cast.office_user,
        expected_version=interview.version,
        status=InterviewStatus.HELD,
        held_on=datetime.date(2026, 3, 3),
        commitments="一个月内整改到位",
    )
    with pytest.raises(PermissionDenied):
        services.record_interview(interview, actor=cast.market_liaison, follow_up="x")
    assert Interview.objects.get().status == InterviewStatus.HELD


def test_bulletin_content_equals_the_run(cast, scheme):
    import io

    from docx import Document

    from shian.organisation.models import User

    register_signal("test_fixed", "测试", "any", lambda c, s, e: {cast.edu.pk: 88.5, cast.market.pk: 10})
    scheme.weights = {"test_fixed": 1}
    scheme.save()
    run = services.compute_ranking(scheme, datetime.date(2026, 4, 1), actor=cast.office_user)
    services.add_adjustment(run, cast.market, 2.5, "获表彰", actor=cast.office_user)
    run.refresh_from_db()
    services.publish_run(run, actor=cast.office_user)
    other = User.objects.create_user(username="o2", password="x-pass-123", unit=cast.office, role="office")
    appeal = services.file_appeal(run, actor=cast.market_liaison, reason="数据有误")
    services.decide_appeal(appeal, actor=other, upheld=False, decision="核实无误", reply="经核实维持原排名")
    run.refresh_from_db()

    doc = Document(io.BytesIO(bulletin.to_docx(run, "三台县食安创建办")))
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert header == ["名次", "单位", "测试", "加减分", "综合得分", "榜单"]
    expected = [
        [
            str(e["rank"]),
            e["unit"],
            f"{e['values']['test_fixed']:g}",
            f"{e['adjust']:+g}" if e["adjust"] else "",
            f"{e['score']:g}",
            {"red": "红榜", "black": "黑榜"}[e["list"]],
        ]
        for e in run.entries
    ]
    assert cells == expected == bulletin.table_rows(run)[1]
    assert cells[1] == ["2", "市场监管局", "10", "+2.5", "12.5", "黑榜"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年4月成员单位月度排名红黑榜的通报" in text
    assert "教育局。" in text and "市场监管局。请上榜单位" in text
    assert "经核实维持原排名" in text and "数据有误" not in text
