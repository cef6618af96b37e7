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
    _stewardship(county=county, unit=unit, biz=biz, tag=tag)


def _stewardship(*, county, unit, biz, tag):
    """A 包保 cadre of the county bound to its business (the level rule is public reference data)."""
    from shian.stewardship.models import Binding, Cadre, LevelRule, StewardVisit

    LevelRule.objects.get_or_create(
        cadre_level="county", defaults={"business_level": "county", "visits_per_year": 4, "max_load": 5}
    )
    cadre = Cadre.objects.create(
        name=f"{tag}包保干部", level="county", region=county, unit=unit, phone=f"1380000{county.code[-4:]}"
    )
    Binding.objects.create(cadre=cadre, business=biz)
    StewardVisit.objects.create(cadre=cadre, business=biz, visited_on=datetime.date(2026, 3, 1))


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
