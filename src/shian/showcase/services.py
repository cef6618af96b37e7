"""示范引领 workflow: the office creates a project and names its lead unit; the lead unit (or the office)
writes the texts, milestones and evidence and submits it; the office reviews it with the rubric."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core.audit import log_event
from shian.core.policy import acts_for, ensure_can, manages
from shian.core.services import save_versioned
from shian.core.uploads import check_upload
from shian.scoring.services import sync_bonus
from shian.showcase.choices import RUBRIC, Status
from shian.showcase.models import Milestone, Project, ProjectFile

EDITABLE = (Status.DRAFT, Status.RETURNED)


def _check_office(actor, campaign):
    if actor.is_read_only or not manages(actor, campaign):
        raise PermissionDenied("只有本地区的创建办可以执行此操作")


def _check_editor(actor, project):
    if actor.is_read_only or not (manages(actor, project.campaign) or acts_for(actor, project.lead_unit)):
        raise PermissionDenied("只有牵头单位或创建办可以修改该项目")
    if project.status not in EDITABLE:
        raise ValidationError(f"项目“{project}”{project.get_status_display()}，不能修改")


@transaction.atomic
def create_project(*, actor, **fields) -> Project:
    project = Project(**fields)
    _check_office(actor, project.campaign)
    project.full_clean()
    project.save()
    ensure_can(actor, project, "change")
    log_event(project, "showcase_project_created", project.title)
    return project


@transaction.atomic
def update_project(project: Project, *, actor, expected_version, **fields) -> Project:
    _check_editor(actor, project)
    if not manages(actor, project.campaign) and {"campaign", "lead_unit"} & {
        k for k, v in fields.items() if getattr(project, k) != v
    }:
        raise PermissionDenied("只有创建办可以更改项目所属创建项目和牵头单位")
    for key, value in fields.items():
        setattr(project, key, value)
    project.full_clean()
    save_versioned(project, expected_version)
    ensure_can(actor, project, "change")
    return project


@transaction.atomic
def add_milestone(project: Project, *, actor, title, due_on) -> Milestone:
    _check_editor(actor, project)
    m = Milestone(project=project, title=title, due_on=due_on)
    m.full_clean()
    m.save()
    return m


@transaction.atomic
def complete_milestone(milestone: Milestone, *, actor, done_on, note="") -> Milestone:
    _check_editor(actor, milestone.project)
    if milestone.done_on:
        raise ValidationError(f"节点“{milestone}”已完成")
    milestone.done_on = done_on
    milestone.note = note
    milestone.full_clean()
    save_versioned(milestone, milestone.version)
    log_event(milestone, "showcase_milestone_done", milestone.title)
    return milestone


@transaction.atomic
def add_file(project: Project, *, actor, upload, kind) -> ProjectFile:
    _check_editor(actor, project)
    name = check_upload(upload, "evidence")
    f = ProjectFile(project=project, kind=kind, original_name=name, uploaded_by=actor)
    f.file.save(name, upload, save=False)
    f.full_clean()
    f.save()
    return f


@transaction.atomic
def submit_project(project: Project, *, actor, expected_version) -> Project:
    _check_editor(actor, project)
    missing = [
        project._meta.get_field(name).verbose_name
        for name in ("practice", "results", "innovation", "replicability")
        if not getattr(project, name).strip()
    ]
    if missing:
        raise ValidationError(f"项目“{project}”尚未填写：{'、'.join(missing)}")
    if not project.milestones.exists():
        raise ValidationError(f"项目“{project}”至少需要一个阶段节点")
    project.status = Status.SUBMITTED
    save_versioned(project, expected_version)
    log_event(project, "showcase_project_submitted", project.title)
    return project


@transaction.atomic
def review_project(
    project: Project, *, actor, expected_version, approve: bool, comment="", **scores
) -> Project:
    _check_office(actor, project.campaign)
    if project.status != Status.SUBMITTED:
        raise ValidationError(f"项目“{project}”{project.get_status_display()}，不是待审核状态")
    if not approve and not comment.strip():
        raise ValidationError({"comment": "退回修改时必须填写审核意见"})
    for name, label in RUBRIC:
        value = scores.get(name)
        if approve and value is None:
            raise ValidationError({name: f"审核通过时必须给出“{label}”评分（0–10）"})
        if value is not None and not 0 <= value <= 10:
            raise ValidationError({name: f"“{label}”评分应在0–10之间"})
        setattr(project, name, value)
    project.status = Status.APPROVED if approve else Status.RETURNED
    project.review_comment = comment
    project.reviewed_by = actor
    project.reviewed_at = timezone.now()
    save_versioned(project, expected_version)
    log_event(project, "showcase_project_approved" if approve else "showcase_project_returned", comment)
    if approve and project.item_id:
        sync_bonus(project.campaign, actor=actor)  # the open assessments' 示范引领 items follow the review
    return project


def progress(projects) -> list[dict]:
    """Per project: milestones done / total, overdue ones, the share done (for the progress page)."""
    today = timezone.localdate()
    rows = []
    for p in projects:
        ms = list(p.milestones.all())
        done = sum(1 for m in ms if m.done_on)
        overdue = [m for m in ms if not m.done_on and m.due_on < today]
        rows.append(
            {
                "project": p,
                "done": done,
                "total": len(ms),
                "percent": round(100 * done / len(ms)) if ms else 0,
                "overdue": overdue,
            }
        )
    return rows
