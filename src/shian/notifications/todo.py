"""我的待办: what waits for this person, across their campaigns, with counts and links.

A fixed number of queries whatever the data (one aggregate per domain), so the home page and the API
stay cheap. The same list is the body of the daily digest.
"""

from dataclasses import asdict, dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from shian.organisation.choices import Role

UNIT_ROLES = (Role.LIAISON, Role.UNIT_HEAD)


@dataclass
class TodoItem:
    key: str
    label: str
    count: int
    url: str
    icon: str
    css: str = "primary"
    detail: str = ""

    def as_dict(self):
        return asdict(self)


def _url(name, query=""):
    return reverse(name) + (f"?{query}" if query else "")


def _unit_items(user, today):
    from shian.dispatch.choices import ReportStatus, RoundStatus
    from shian.dispatch.models import DispatchReport
    from shian.evidence.choices import MaterialStatus
    from shian.evidence.models import Material
    from shian.rectification.choices import Status
    from shian.rectification.models import Problem
    from shian.workplan.choices import TaskStatus
    from shian.workplan.models import Task

    items = []
    t = Task.objects.restrict(user).aggregate(
        todo=Count("id", filter=Q(status__in=[TaskStatus.PENDING_CLAIM, TaskStatus.IN_PROGRESS])),
        overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)),
        pending=Count("id", filter=Q(status=TaskStatus.PENDING_CLAIM)),
    )
    items.append(
        TodoItem(
            "tasks",
            "待办任务",
            t["todo"],
            _url("workplan:task_list"),
            "list-check",
            "danger" if t["overdue"] else "primary",
            "，".join(
                x
                for x in [
                    f"待认领{t['pending']}项" if t["pending"] else "",
                    f"逾期{t['overdue']}项" if t["overdue"] else "",
                ]
                if x
            ),
        )
    )
    returned = Material.objects.restrict(user).filter(status=MaterialStatus.RETURNED).count()
    items.append(
        TodoItem(
            "returned_materials",
            "被退回的材料",
            returned,
            _url("evidence:material_list", f"status={MaterialStatus.RETURNED}"),
            "folder-x",
            "warning",
        )
    )
    p = Problem.objects.restrict(user).aggregate(
        fix=Count("id", filter=Q(status__in=[Status.OPEN, Status.IN_PROGRESS])),
        overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=Status.VERIFIED)),
    )
    items.append(
        TodoItem(
            "problems_to_fix",
            "待整改问题",
            p["fix"],
            _url("rectification:problem_list"),
            "tools",
            "danger" if p["overdue"] else "primary",
            f"逾期{p['overdue']}个" if p["overdue"] else "",
        )
    )
    reports = list(
        DispatchReport.objects.restrict(user)
        .filter(round__status=RoundStatus.OPEN)
        .exclude(status=ReportStatus.SUBMITTED)
        .select_related("round")
        .order_by("round__deadline")[:20]
    )
    url = (
        reverse("dispatch:report_edit", args=[reports[0].pk])
        if len(reports) == 1
        else _url("dispatch:round_list")
    )
    detail = f"最近截止：{timezone.localtime(reports[0].round.deadline):%-m月%-d日 %H:%M}" if reports else ""
    items.append(
        TodoItem(
            "reports_to_file",
            "待报送调度报告",
            len(reports),
            url,
            "calendar-check",
            "danger" if reports and reports[0].round.deadline < timezone.now() else "primary",
            detail,
        )
    )
    return items


def _office_items(user, today):
    from shian.dispatch.choices import ReportStatus, RoundStatus
    from shian.dispatch.models import DispatchReport
    from shian.evidence.choices import MaterialStatus
    from shian.evidence.models import Material
    from shian.rectification.choices import Status
    from shian.rectification.models import Problem
    from shian.workplan.choices import TaskStatus
    from shian.workplan.models import Task

    action = "view" if user.is_read_only else "change"
    items = []
    t = Task.objects.restrict(user, action).aggregate(
        submitted=Count("id", filter=Q(status=TaskStatus.SUBMITTED)),
        overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)),
    )
    p = Problem.objects.restrict(user, action).aggregate(
        submitted=Count("id", filter=Q(status=Status.SUBMITTED)),
        overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=Status.VERIFIED)),
    )
    if not user.is_read_only:
        pending = Material.objects.restrict(user, action).filter(status=MaterialStatus.PENDING).count()
        items.append(
            TodoItem("materials_to_review", "待审核材料", pending, _url("evidence:queue"), "folder-check")
        )
        items.append(
            TodoItem(
                "tasks_to_accept",
                "待验收任务",
                t["submitted"],
                _url("workplan:task_list", f"status={TaskStatus.SUBMITTED}"),
                "check2-square",
            )
        )
        items.append(
            TodoItem(
                "problems_to_verify",
                "待销号问题",
                p["submitted"],
                _url("rectification:problem_list", f"status={Status.SUBMITTED}"),
                "patch-check",
            )
        )
    items.append(
        TodoItem(
            "overdue_tasks",
            "逾期任务",
            t["overdue"],
            _url("workplan:task_list", "status=overdue"),
            "alarm",
            "danger",
        )
    )
    items.append(
        TodoItem(
            "overdue_problems",
            "逾期未销号问题",
            p["overdue"],
            _url("rectification:problem_list", "status=overdue"),
            "exclamation-triangle",
            "danger",
        )
    )
    missing = (
        DispatchReport.objects.restrict(user, action)
        .filter(round__status=RoundStatus.OPEN)
        .exclude(status=ReportStatus.SUBMITTED)
        .aggregate(n=Count("id"), rounds=Count("round", distinct=True))
    )
    items.append(
        TodoItem(
            "reports_missing",
            "调度未报送单位",
            missing["n"],
            _url("dispatch:round_list"),
            "calendar-x",
            "warning",
            f"{missing['rounds']}轮调度进行中" if missing["rounds"] else "",
        )
    )
    return items


def _expert_items(user):
    from shian.scoring.choices import AssessmentStatus
    from shian.scoring.models import ReviewGroup

    groups = list(
        ReviewGroup.objects.filter(members=user, assessment__status=AssessmentStatus.OPEN).select_related(
            "assessment"
        )[:20]
    )
    url = (
        reverse("scoring:group_detail", args=[groups[0].pk])
        if len(groups) == 1
        else _url("scoring:assessment_list")
    )
    return [TodoItem("reviews", "待评审", len(groups), url, "clipboard-check")]


def my_todo(user, today=None) -> list[TodoItem]:
    today = today or timezone.localdate()
    if user.role == Role.EXPERT and not user.is_admin:
        return _expert_items(user)
    if user.is_admin or user.region_scope is not None:
        return _office_items(user, today)
    if user.role in UNIT_ROLES and user.unit_id:
        return _unit_items(user, today)
    return []


def todo_text(items) -> str:
    lines = [f"· {i.label}：{i.count}" + (f"（{i.detail}）" if i.detail else "") for i in items if i.count]
    return "\n".join(lines)
