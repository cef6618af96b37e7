"""Documents say what the records said on their date: regenerated later they keep their figures, and
every figure equals an independent recount of the rows as of that date (`recount`)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shian.reports import services
from shian.reports.tests import recount


def _last_month():
    first = timezone.localdate().replace(day=1)
    end = first - datetime.timedelta(days=1)
    return end.replace(day=1), end


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def last_month(cast):
    """Last month as the records tell it: the 教育局 task done on the 10th, a round due on the 20th
    (教育局 on time, 市场监管局 not yet, the office itself also listed), samples on the 5th."""
    from shian.dispatch.models import DispatchReport, DispatchRound
    from shian.supervision.models import CaseRecord, SamplingRecord
    from shian.workplan.models import Task, TaskStatusChange

    start, end = _last_month()
    Task.objects.filter(pk=cast.edu_task.pk).update(
        status="done", progress=100, completed_at=_at(start + _d(9))
    )
    TaskStatusChange.objects.create(subject=cast.edu_task, status="in_progress", at=_at(start + _d(2)))
    TaskStatusChange.objects.create(subject=cast.edu_task, status="done", at=_at(start + _d(9)))
    cast.edu_task.refresh_from_db()
    rnd = DispatchRound.objects.create(
        campaign=cast.campaign,
        title="上月创建工作调度",
        period_label="上月",
        deadline=_at(start + _d(19), 18),
        opened_at=_at(start + _d(12)),
    )
    DispatchReport.objects.create(
        round=rnd,
        unit=cast.edu,
        status="submitted",
        submitted_at=_at(start + _d(18)),
        narrative="开展学校食堂专项检查，检查学校食堂32家",
    )
    DispatchReport.objects.create(round=rnd, unit=cast.market, status="missing")
    DispatchReport.objects.create(
        round=rnd, unit=cast.office, status="submitted", submitted_at=_at(start + _d(18))
    )
    for n, task_type in enumerate(["监督抽检", "监督抽检", "评价性抽检", "快检"]):
        SamplingRecord.objects.create(
            number=f"LM{n}", region=cast.town, sampled_on=start + _d(4), task_type=task_type, result="合格"
        )
    CaseRecord.objects.create(
        number="LMC",
        region=cast.town,
        opened_on=start + _d(6),
        fine_amount=Decimal(30000),
        confiscation_amount=Decimal(1234),
        transferred_police=True,
    )
    return {"start": start, "end": end, "round": rnd}


def _d(n):
    return datetime.timedelta(days=n)


def test_last_months_bulletin_keeps_its_figures_after_todays_changes(cast, last_month):
    from shian.supervision.models import SamplingRecord
    from shian.workplan import services as tasks

    start, end = last_month["start"], last_month["end"]
    doc = services.create_document(
        cast.campaign,
        "bulletin",
        actor=cast.office_user,
        period=f"{start.year}-{start.month:02d}",
        issued_on=end,
    )
    first = services.generate_document(doc, actor=cast.office_user, pdf=False)
    assert first.figures["as_of"] == end.isoformat()
    assert (first.figures["tasks"], first.figures["tasks_done"], first.figures["tasks_done_in_period"]) == (
        2,
        1,
        1,
    )

    # today: the 教育局 task is reopened, the 市场监管局 task submitted and completed, its report filed
    # late, a sample taken today
    tasks.report_progress(
        cast.edu_task,
        80,
        "复核发现台账不全，重新打开",
        "in_progress",
        actor=cast.office_user,
        expected_version=cast.edu_task.version,
    )
    tasks.report_progress(
        cast.market_task,
        100,
        "已完成",
        "submitted",
        actor=cast.market_liaison,
        expected_version=cast.market_task.version,
    )
    tasks.complete_task(cast.market_task, actor=cast.office_user, expected_version=cast.market_task.version)
    report = last_month["round"].reports.get(unit=cast.market)
    report.status, report.submitted_at = "submitted", timezone.now()
    report.save()
    SamplingRecord.objects.create(
        number="TODAY", region=cast.town, sampled_on=timezone.localdate(), task_type="监督抽检", result="合格"
    )
    live = recount.tasks(cast.campaign, timezone.localdate())
    assert live["done"] == 1 and live != recount.tasks(cast.campaign, end)  # today's records do differ

    again = services.generate_document(doc, actor=cast.office_user, pdf=False)
    assert again.figures == first.figures


def test_bulletin_figures_equal_an_independent_recount(cast, last_month):
    start, end = last_month["start"], last_month["end"]
    doc = services.create_document(
        cast.campaign,
        "bulletin",
        actor=cast.office_user,
        period=f"{start.year}-{start.month:02d}",
        issued_on=end,
    )
    draft = services.render(doc)[0]
    f = draft.figures
    t = recount.tasks(cast.campaign, end, start=start)
    assert (f["tasks"], f["tasks_done"], f["tasks_overdue"], f["tasks_done_in_period"]) == (
        t["total"],
        t["done"],
        t["overdue"],
        t["done_in_period"],
    )
    assert f["sampling"] == recount.sampling(cast.campaign.region, start, end) == 3
    c = recount.cases(cast.campaign.region, start, end)
    assert (f["cases"], f["police"], Decimal(f["fines_total"])) == (c["cases"], c["police"], c["fines_total"])
    text = "".join(
        b.text if isinstance(b.text, str) else "".join(r[0] for r in b.text)
        for b in draft.blocks
        if hasattr(b, "text") and not hasattr(b, "key")
    )
    assert f"截至{end.year}年{end.month}月{end.day}日" in text
    assert "罚没款3.12万元（其中罚款3万元、没收违法所得1234元）" in text and "移送公安机关1件" in text


def test_circular_figures_equal_an_independent_recount(cast, last_month):
    rnd = last_month["round"]
    issued = last_month["end"]
    doc = services.create_document(
        cast.campaign, "circular", actor=cast.office_user, round=rnd, issued_on=issued
    )
    f = services.render(doc)[0].figures
    r = recount.round_reports(rnd, _at(issued, 23), cast.campaign.office_id)
    assert (f["on_time"], f["late"], f["missing"]) == (r["on_time"], r["late"], r["missing"]) == (1, 0, 1)
    assert "三台县食安创建办" not in f["on_time_units"] + f["late_units"] + f["missing_units"]
    units = {rep.unit_id for rep in rnd.reports.all()} - {cast.campaign.office_id}
    t = recount.tasks(cast.campaign, issued, units=units)
    assert (f["tasks"], f["tasks_done"], f["tasks_overdue"]) == (t["total"], t["done"], t["overdue"])


def test_summary_figures_equal_an_independent_recount(cast, last_month):
    from shian.rectification.models import Problem, ProblemStatusChange

    start, end = last_month["start"], last_month["end"]
    p = Problem.objects.create(
        campaign=cast.campaign,
        description="农村集体聚餐备案不全",
        unit=cast.town_unit,
        found_on=start,
        deadline=start + _d(5),
        status="verified",
    )
    ProblemStatusChange.objects.create(subject=p, status="verified", at=timezone.now())  # closed only today
    period = f"{start.year}-{start.month:02d}"
    doc = services.create_document(
        cast.campaign, "summary", actor=cast.office_user, period=period, issued_on=end
    )
    f = services.render(doc)[0].figures
    t = recount.tasks(cast.campaign, end, start=start)
    assert f["tasks"] == {
        "total": t["total"],
        "done": t["done"],
        "done_in_period": t["done_in_period"],
        "overdue": t["overdue"],
    }
    assert (
        f["problems"]
        == recount.problems(cast.campaign, end)
        == {"total": 1, "closed": 0, "open": 1, "overdue": 1}
    )
    assert f["sampling"] == recount.sampling(cast.campaign.region, start, end)


def test_assessment_reports_equal_a_recount_of_the_scores(cast, review):
    from shian.scoring.models import ItemScore

    for kind in ("self-assessment", "review"):
        doc = services.create_document(cast.campaign, kind, actor=cast.office_user)
        f = services.render(doc)[0].figures
        scores = ItemScore.objects.filter(assessment_id=f["assessment"]).select_related(
            "item__indicator__category"
        )
        base = sum(s.points for s in scores if s.item.indicator.category.kind != "bonus")
        assert Decimal(f["base_total"]) == base


def test_a_second_bulletin_in_the_same_month_needs_confirming(cast):
    services.create_document(cast.campaign, "bulletin", actor=cast.office_user, period="2026-05")
    with pytest.raises(ValidationError) as exc:
        services.create_document(cast.campaign, "bulletin", actor=cast.office_user, period="2026-05")
    assert "已有简报（第1期）" in str(exc.value)
    second = services.create_document(
        cast.campaign, "bulletin", actor=cast.office_user, period="2026-05", confirm_duplicate=True
    )
    assert second.issue_no == 2


def test_saving_one_section_leaves_the_others_following_the_data(cast, dispatch_round):
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    draft = services.render(doc)[0]
    shown = {s.key: s.default for s in draft.sections}  # what the form shows and posts back
    shown["intro"] = "按照工作安排开展调度。"
    services.save_narrative(doc, shown, actor=cast.office_user, expected_version=doc.version)
    assert doc.narrative == {"intro": "按照工作安排开展调度。"}
    # set back to the drafted words: forgotten again
    shown["intro"] = draft.sections[0].default
    services.save_narrative(doc, shown, actor=cast.office_user, expected_version=doc.version)
    assert doc.narrative == {}


def test_finalising_allocates_the_number_once_and_freezes_the_document(cast, dispatch_round):
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    draft_file = services.generate_document(doc, actor=cast.office_user, pdf=False)
    assert doc.doc_number == "" and not draft_file.is_final
    final = services.finalise_document(doc, actor=cast.office_user, expected_version=doc.version, pdf=False)
    year = doc.issued_on.year
    assert doc.doc_number == f"三食安办〔{year}〕1号" and final.is_final and final.number == 2
    with pytest.raises(ValidationError, match="定稿"):
        services.generate_document(doc, actor=cast.office_user, pdf=False)
    with pytest.raises(ValidationError, match="定稿"):
        services.save_narrative(doc, {"intro": "改"}, actor=cast.office_user, expected_version=doc.version)
    with pytest.raises(ValidationError, match="定稿"):
        services.finalise_document(doc, actor=cast.office_user, expected_version=doc.version, pdf=False)
    other = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    services.finalise_document(other, actor=cast.office_user, expected_version=other.version, pdf=False)
    assert other.doc_number == f"三食安办〔{year}〕2号"


def test_a_circular_on_an_open_round_is_interim(cast):
    from shian.dispatch.models import DispatchReport, DispatchRound

    rnd = DispatchRound.objects.create(
        campaign=cast.campaign,
        title="本月调度",
        period_label="本月",
        deadline=timezone.now() + _d(5),
        opened_at=timezone.now() - _d(2),
    )
    DispatchReport.objects.create(round=rnd, unit=cast.edu, status="submitted", submitted_at=timezone.now())
    DispatchReport.objects.create(round=rnd, unit=cast.market, status="missing")
    DispatchReport.objects.create(round=rnd, unit=cast.office, status="missing")
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=rnd)
    draft = services.render(doc)[0]
    text = "\n".join(
        b.text if isinstance(b.text, str) else "".join(r[0] for r in b.text)
        for b in draft.blocks
        if hasattr(b, "text") and not hasattr(b, "key")
    )
    text += "\n".join(s.default for s in draft.sections)
    assert draft.figures["interim"] is True and "截至目前" in text
    assert "已报送的单位：教育局。" in text and "尚未报送的单位：市场监管局。" in text
    assert "应报送单位2个" in text  # the issuing office is not among the units told
    assert "补报" not in text and "逾期报送" not in text
