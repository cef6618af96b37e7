"""A world for the generated permission matrix: the cast, plus one row of every scoped model on each
side of the county line (三台县 = ours, 盐亭县 = other), written straight to the database."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from shian.campaigns.models import CampaignChoice
from shian.core.models import Job
from shian.dispatch.models import DispatchReport, DispatchRound, ReportLine
from shian.evidence.models import Material, MaterialFile, MaterialStatusChange, MaterialText
from shian.notifications.models import Notification, Preference, Reminder, RobotHook
from shian.rectification.models import Problem, ProblemNote, ProblemStatusChange, Summons
from shian.reports.models import Document, DocumentFile
from shian.scoring.models import (
    Assessment,
    Deduction,
    ExpertScore,
    Interview,
    InterviewQuestion,
    ItemScore,
    ReviewGroup,
    VetoAnswer,
)
from shian.supervision.models import (
    CaseRecord,
    ComplaintRecord,
    ImportBatch,
    ImportMapping,
    IndicatorDefinition,
    LedgerField,
    Metric,
    MetricForm,
    MetricValue,
    SamplingRecord,
)
from shian.workplan.models import TaskStatusChange, TaskUpdate


def _side(c, *, campaign, framework, county, office_user, unit, other_unit, task, tag):
    now = timezone.now()
    today = timezone.localdate()
    items = framework.test_items
    TaskUpdate.objects.create(task=task, status_after="in_progress", progress=10, note=f"{tag}进展")
    TaskStatusChange.objects.create(subject=task, status="in_progress", at=now)
    rnd = DispatchRound.objects.create(campaign=campaign, title=f"{tag}十一月调度", deadline=now)
    report = DispatchReport.objects.create(round=rnd, unit=unit)
    ReportLine.objects.create(report=report, task=task, status="in_progress")
    DispatchReport.objects.create(round=rnd, unit=other_unit)  # a round reaches several units
    material = Material.objects.create(
        campaign=campaign, unit=unit, item=items[1], title=f"{tag}佐证", submitted_at=now
    )
    MaterialFile.objects.create(
        material=material,
        file=ContentFile(b"%PDF-1.4 test", name=f"{tag}.pdf"),
        original_name=f"{tag}.pdf",
        kind="pdf",
        sha256="0" * 64,
    )
    MaterialText.objects.create(material=material)
    MaterialStatusChange.objects.create(subject=material, status="pending", at=now)
    assessment = Assessment.objects.create(campaign=campaign, title=f"{tag}自评", kind="mock")
    score = ItemScore.objects.create(assessment=assessment, item=items[1], points=Decimal("1"))
    Deduction.objects.create(score=score, description=f"{tag}扣分", points=Decimal("1"))
    gate = framework.gates.first()
    if gate is not None:
        VetoAnswer.objects.create(assessment=assessment, gate=gate)
    group = ReviewGroup.objects.create(assessment=assessment, name=f"{tag}评审组", leader=c.expert)
    group.items.set([items[1]])
    group.members.set([c.expert] if tag == "三台" else [])
    ExpertScore.objects.create(group=group, item=items[1], expert=c.expert, points=Decimal("1"))
    interview = Interview.objects.create(assessment=assessment, group=group, interviewee=f"{tag}县长")
    InterviewQuestion.objects.create(interview=interview, question="考核权重？")
    problem = Problem.objects.create(campaign=campaign, description=f"{tag}问题", unit=unit)
    ProblemNote.objects.create(problem=problem, text=f"{tag}整改")
    ProblemStatusChange.objects.create(subject=problem, status="open", at=now)
    Summons.objects.create(campaign=campaign, unit=unit)
    document = Document.objects.create(campaign=campaign, kind="bulletin", title=f"{tag}简报")
    DocumentFile.objects.create(
        document=document, number=1, title=f"{tag}简报", docx=ContentFile(b"PK test", name=f"{tag}.docx")
    )
    SamplingRecord.objects.create(
        number=f"{tag}-S1", region=county, sampled_on=today, task_type="监督抽检", result="合格"
    )
    ComplaintRecord.objects.create(number=f"{tag}-C1", region=county, received_on=today)
    CaseRecord.objects.create(number=f"{tag}-K1", region=county, opened_on=today)
    form = MetricForm.objects.create(
        code=f"form-{county.code}", name=f"{tag}报表", owner_region=county, frequency="year"
    )
    metric = Metric.objects.create(form=form, code=f"metric-{county.code}", name=f"{tag}指标")
    MetricValue.objects.create(
        metric=metric, region=county, period=str(today.year), value=Decimal("3"), unit=unit
    )
    IndicatorDefinition.objects.create(
        code=f"ind-{county.code}",
        name=f"{tag}计算指标",
        owner_region=county,
        numerator={"source": "constant", "value": 1},
    )
    ImportBatch.objects.create(ledger="sampling", filename=f"{tag}.xlsx", created_by=office_user)
    Job.objects.create(kind="test", title=f"{tag}任务", created_by=office_user)
    # notifications (issue 11): a message, channel settings, a unit's group robot, a 催报
    Notification.objects.create(
        recipient=office_user,
        event="round_missed",
        title=f"{tag}消息",
        key=f"world-{tag}",
        url=rnd.get_absolute_url(),
    )
    Preference.objects.create(user=office_user)
    RobotHook.objects.create(
        name=f"{tag}工作群", kind="wecom", url="https://qyapi.weixin.qq.com/x", unit=unit
    )
    from django.contrib.contenttypes.models import ContentType

    Reminder.objects.create(
        kind="round",
        campaign=campaign,
        unit=unit,
        round=rnd,
        text=f"{tag}催报",
        content_type=ContentType.objects.get_for_model(DispatchReport),
        object_id=str(report.pk),
        sent_by=office_user,
    )
    _inspections(
        c, campaign=campaign, framework=framework, county=county, office_user=office_user, unit=unit, tag=tag
    )
    _surveys(campaign=campaign, county=county, unit=unit, tag=tag)
    _incidents(county=county, office_user=office_user, unit=unit, tag=tag)
    _showcase(campaign=campaign, office_user=office_user, unit=unit, tag=tag)
    _community(county=county, tag=tag)
    _rankings(campaign=campaign, unit=unit, tag=tag)


def _community(*, county, tag):
    """A 你点我检 poll with an option and a vote, a 有奖举报 and an activity of the county."""
    from shian.community.models import Activity, Poll, PollOption, PollVote, RewardReport, SamplingTask

    today = timezone.localdate()
    poll = Poll.objects.create(region=county, title=f"{tag}你点我检", status="open")
    option = PollOption.objects.create(poll=poll, name=f"{tag}月饼")
    PollVote.objects.create(poll=poll, option=option, device=f"{tag}-device")
    SamplingTask.objects.create(option=option, region=county, product=f"{tag}月饼")
    RewardReport.objects.create(region=county, number=f"{tag}-JB1", received_on=today, subject=f"{tag}小吃店")
    Activity.objects.create(region=county, kind="publicity", title=f"{tag}科普宣传", held_on=today)


def _rankings(*, campaign, unit, tag):
    """A ranking scheme, a frozen run with a 加减分 and an appeal of `unit`, and a 约谈 of `unit`."""
    import datetime

    from django.utils import timezone

    from shian.rankings.models import (
        Adjustment,
        Appeal,
        AssessmentSheet,
        Interview,
        RankingRun,
        RankingScheme,
    )

    scheme = RankingScheme.objects.create(
        campaign=campaign, name=f"{tag}月度排名", weights={"dispatch_on_time": 1}
    )
    run = RankingRun.objects.create(
        scheme=scheme,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        computed_at=timezone.now(),
        entries=[
            {"unit_id": unit.pk, "unit": unit.name, "values": {}, "score": None, "rank": None, "list": ""}
        ],
        status="published",
    )
    Adjustment.objects.create(run=run, unit=unit, points=1, reason=f"{tag}表彰加分")
    Appeal.objects.create(run=run, unit=unit, reason=f"{tag}申诉")
    AssessmentSheet.objects.create(campaign=campaign, year=2026, unit=unit, basic=25)
    interview = Interview.objects.create(campaign=campaign, unit=unit, reason=f"{tag}连续两期黑榜")
    interview.runs.add(run)


def _inspections(c, *, campaign, framework, county, office_user, unit, tag):
    """A business of the county (supervised by `unit`), a checklist, a drawn plan and a visit with a photo."""
    from shian.inspections.models import (
        Checklist,
        ChecklistItem,
        DrawnSite,
        DrawSnapshot,
        InspectionPlan,
        ItemCategory,
        PlanQuota,
        Visit,
        VisitAnswer,
        VisitPhoto,
    )
    from shian.registry.creditcode import make_code
    from shian.registry.models import Business, BusinessImport, SiteCategory
    from shian.registry.services import ensure_defaults

    ensure_defaults()
    cat = SiteCategory.objects.get(code="school")
    biz = Business.objects.create(
        name=f"{tag}实验小学食堂",
        credit_code=make_code(f"12{county.code}MA0000001"),
        category=cat,
        region=county,
        supervising_unit=unit,
    )
    BusinessImport.objects.create(filename=f"{tag}主体.xlsx", imported_by=office_user)
    checklist = Checklist.objects.create(category=cat, version=1 if tag == "三台" else 2, name=f"{tag}检查表")
    check = ChecklistItem.objects.create(checklist=checklist, seq=1, text="证照齐全")
    plan = InspectionPlan.objects.create(campaign=campaign, name=f"{tag}明查", seed=1)
    PlanQuota.objects.create(plan=plan, category=cat, quota=1)
    DrawSnapshot.objects.create(plan=plan, rows=[[biz.pk, "school", county.path, "", 0, biz.name]])
    site = DrawnSite.objects.create(plan=plan, business=biz, stratum="学校食堂", order=1)
    inspector = c.expert if tag == "三台" else c.other_liaison
    visit = Visit.objects.create(plan=plan, site=site, business=biz, checklist=checklist, inspector=inspector)
    VisitAnswer.objects.create(visit=visit, item=check, result="pass")
    VisitPhoto.objects.create(
        visit=visit, client_id="p1", file=ContentFile(b"\x89PNG test", name=f"{tag}.png")
    )
    ItemCategory.objects.create(item=framework.test_items[1], category=cat)
    account_user = c.business_user if tag == "三台" else None
    _stewardship(county=county, unit=unit, biz=biz, tag=tag, account_user=account_user)


def _stewardship(*, county, unit, biz, tag, account_user=None):
    """A 包保 cadre of the county bound to its business (the level rule is public reference data)."""
    from shian.stewardship.models import (
        Binding,
        BusinessAccount,
        Cadre,
        Commitment,
        DutyRecord,
        LevelRule,
        PointRule,
        RiskControl,
        StarRule,
        StewardVisit,
        StewardVisitPhoto,
        VisitFinding,
    )

    LevelRule.objects.get_or_create(
        cadre_level="county", defaults={"business_level": "county", "visits_per_year": 4, "max_load": 5}
    )
    PointRule.objects.get_or_create(subject="cadre", event="signed", defaults={"points": 5})
    StarRule.objects.get_or_create(subject="cadre", stars=1, defaults={"min_points": 0})
    cadre = Cadre.objects.create(
        name=f"{tag}包保干部", level="county", region=county, unit=unit, phone=f"1380000{county.code[-4:]}"
    )
    Binding.objects.create(cadre=cadre, business=biz)
    visit = StewardVisit.objects.create(cadre=cadre, business=biz, visited_on=datetime.date(2026, 3, 1))
    StewardVisitPhoto.objects.create(visit=visit, file=ContentFile(b"\x89PNG test", name=f"{tag}包保.png"))
    VisitFinding.objects.create(visit=visit, text=f"{tag}留样记录不全")
    DutyRecord.objects.create(
        business=biz, kind="daily", period=datetime.date(2026, 3, 2), done_by=f"{tag}总监"
    )
    Commitment.objects.create(
        cadre=cadre, year=2026, signed_scan=ContentFile(b"%PDF-1.4 test", name=f"{tag}承诺书.pdf")
    )
    RiskControl.objects.create(business=biz, risk=f"{tag}冷藏温度", measures="每日记录冷藏温度")
    if account_user is None:  # the other county's business gets its own 企业账号
        from shian.organisation.models import User

        account_user = User.objects.create(username=f"biz-{county.code}", role="business", name=f"{tag}企业")
    BusinessAccount.objects.create(user=account_user, business=biz)


def _surveys(*, campaign, county, unit, tag):
    """A satisfaction survey of the county with a quota, a link and an answer; a unit's quiz."""
    from shian.organisation.models import Region
    from shian.surveys.models import DeviceMark, Link, Question, Quota, Response, Survey

    town = Region.objects.filter(parent=county).first() or county
    survey = Survey.objects.create(campaign=campaign, kind="satisfaction", title=f"{tag}满意度")
    Question.objects.create(survey=survey, seq=1, text="满意吗？", options=[{"label": "满意", "score": 100}])
    Quota.objects.create(survey=survey, township=town, target=10)
    Link.objects.create(survey=survey, name=f"{tag}链接", township=town)
    Response.objects.create(
        survey=survey, township=town, submitted_on=timezone.localdate(), score=100, positive=True
    )
    DeviceMark.objects.create(survey=survey, fingerprint=f"{tag}-device")
    quiz = Survey.objects.create(campaign=campaign, kind="quiz", title=f"{tag}能问能答", unit=unit)
    Response.objects.create(
        survey=quiz, unit=unit, submitted_on=timezone.localdate(), score=80, positive=True
    )
    from shian.organisation.models import User
    from shian.surveys.models import AccessCode, CallRecord, CodeBatch, Interviewer

    batch = CodeBatch.objects.create(survey=survey, link=survey.links.first(), name=f"{tag}答题码", size=1)
    AccessCode.objects.create(batch=batch, code=f"W{county.code[-6:]}")
    person = User.objects.filter(unit=unit).order_by("pk").first()
    if person is not None:
        interviewer = Interviewer.objects.create(survey=survey, user=person, township=town)
        CallRecord.objects.create(
            assignment=interviewer, outcome="refused", called_on=timezone.localdate(), township=town
        )


def _incidents(*, county, office_user, unit, tag):
    """An incident of the county led by `unit`, with one timeline entry."""
    from shian.incidents.models import Incident, IncidentEvent

    incident = Incident.objects.create(
        region=county,
        title=f"{tag}中毒事件",
        occurred_on=timezone.localdate(),
        kind="poisoning",
        lead_unit=unit,
    )
    IncidentEvent.objects.create(
        incident=incident, at=timezone.now(), note=f"{tag}接报", recorded_by=office_user
    )
    # 专项整治 led by `unit`: a township target and the county's business covered
    from shian.incidents.models import SpecialCampaign, SpecialSite, SpecialTarget
    from shian.organisation.models import Region
    from shian.registry.models import Business

    special = SpecialCampaign.objects.create(
        region=county,
        title=f"{tag}三小整治",
        kind="small_three",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        lead_unit=unit,
    )
    town = Region.objects.filter(parent=county).first() or county
    SpecialTarget.objects.create(campaign=special, township=town, target=5)
    SpecialSite.objects.create(
        campaign=special, business=Business.objects.filter(region__path__startswith=county.path).first()
    )


def _showcase(*, campaign, office_user, unit, tag):
    """A 示范引领 project of the campaign led by `unit`, with a milestone and an evidence file."""
    from shian.showcase.models import Milestone, Project, ProjectFile

    project = Project.objects.create(
        campaign=campaign, title=f"{tag}示范项目", direction="innovation", lead_unit=unit
    )
    Milestone.objects.create(project=project, title=f"{tag}方案印发", due_on=timezone.localdate())
    ProjectFile.objects.create(
        project=project,
        file=ContentFile(b"%PDF-1.4 test", name=f"{tag}示范.pdf"),
        original_name=f"{tag}示范.pdf",
        uploaded_by=office_user,
    )


def build_world(c):
    """The cast plus one row of every scoped model per county."""
    _side(
        c,
        campaign=c.campaign,
        framework=c.framework,
        county=c.county,
        office_user=c.office_user,
        unit=c.edu,
        other_unit=c.market,
        task=c.edu_task,
        tag="三台",
    )
    _side(
        c,
        campaign=c.other_campaign,
        framework=c.other_framework,
        county=c.other_county,
        office_user=c.other_office_user,
        unit=c.other_edu,
        other_unit=c.other_market,
        task=c.other_task,
        tag="盐亭",
    )
    CampaignChoice.objects.create(user=c.office_user, campaign=c.campaign)
    CampaignChoice.objects.create(user=c.other_office_user, campaign=c.other_campaign)
    LedgerField.objects.create(ledger="sampling", key="extra_note", label="备注")
    ImportMapping.objects.create(ledger="sampling", name="省抽检系统导出")
    return c
