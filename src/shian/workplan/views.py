"""Task pages: the list (我的任务 for unit users), the detail with its progress log, and the office's actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shian.campaigns.models import Campaign
from shian.campaigns.services import current_campaign
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user, is_htmx
from shian.organisation.choices import Role
from shian.workplan import services
from shian.workplan.choices import TaskStatus
from shian.workplan.filtersets import TaskFilterSet
from shian.workplan.forms import (
    BulkEditForm,
    GenerateForm,
    ProgressForm,
    ReasonForm,
    ReassignForm,
    SplitFormSet,
    TaskCreateForm,
    TaskForm,
)
from shian.workplan.models import NOT_OVERDUE, Task
from shian.workplan.tables import TaskTable


def task_queryset():
    return Task.objects.select_related(
        "campaign__region", "unit", "item__indicator__category", "claimed_by", "parent"
    )


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


class TaskListView(ObjectListView):
    model = Task
    filterset_class = TaskFilterSet
    table_class = TaskTable
    template_name = "workplan/task_list.html"
    export_name = "任务清单"

    def base_queryset(self):
        return Task.objects.select_related("unit", "item__indicator__category")

    def get_title(self):
        user = self.request.user
        if user.role in services.UNIT_ROLES and user.unit_id:
            return f"我的任务 · {user.unit.short_name or user.unit.name}"
        return "任务清单"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        counts = self.get_queryset().aggregate(
            total=Count("id"),
            pending=Count("id", filter=Q(status=TaskStatus.PENDING_CLAIM)),
            in_progress=Count("id", filter=Q(status=TaskStatus.IN_PROGRESS)),
            submitted=Count("id", filter=Q(status=TaskStatus.SUBMITTED)),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status__in=NOT_OVERDUE)),
        )
        user = self.request.user
        ctx["status_counts"] = [
            ("", "全部", counts["total"], "dark"),
            ("pending", "待认领", counts["pending"], "secondary"),
            ("in_progress", "进行中", counts["in_progress"], "primary"),
            ("submitted", "已提交", counts["submitted"], "info"),
            ("done", "已完成", counts["done"], "success"),
            ("overdue", "逾期", counts["overdue"], "danger"),
        ]
        ctx["current_status"] = self.request.GET.get("status", "")
        ctx["can_manage"] = not user.is_read_only and (user.is_admin or user.role == Role.OFFICE)
        if ctx["can_manage"]:
            ctx["bulk_form"] = BulkEditForm(units=bulk_units(user))
            ctx["bulk_actions"] = BULK_ACTIONS
        return ctx

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        user = self.request.user
        if user.is_read_only or not (user.is_admin or user.role == Role.OFFICE):
            table.columns.hide("pick")
        return table


def _detail_context(request, task, progress_form=None, reason_form=None):
    user = request.user
    manage = not user.is_read_only and services.can_manage_task(user, task)
    own_unit = services.acts_for_unit(user, task.unit_id)
    can_report = not user.is_read_only and (own_unit or manage) and task.status != TaskStatus.DONE
    if progress_form is None:
        progress_form = ProgressForm(
            task=task, office=manage, initial={"progress": task.progress, "edit_version": task.version}
        )
    return {
        "task": task,
        "object": task,
        "title": task.title,
        "updates": task.updates.select_related("author")[:100],
        "subtasks": task.subtasks.select_related("unit"),
        "report_lines": task.report_lines.select_related("report__round").order_by(
            "-report__round__deadline"
        )[:10],
        "can_manage": manage,
        "can_claim": own_unit and task.status == TaskStatus.PENDING_CLAIM,
        "can_report": can_report
        and not (own_unit and task.status == TaskStatus.PENDING_CLAIM and not manage),
        "progress_form": progress_form,
        "reason_form": reason_form or ReasonForm(),
        "htmx": is_htmx(request),
        "materials": task_materials(task, user),
    }


def task_materials(task, user) -> list[dict]:
    """The item's required materials, each with the uploads filed against it that the user may see
    (so a unit sees what it still owes; returned ones are shown as such)."""
    if task.item_id is None:
        return []
    from shian.framework.models import MaterialRequirement

    reqs = list(MaterialRequirement.objects.filter(item_id=task.item_id).order_by("seq", "id"))
    from django.apps import apps

    try:  # evidence sits above workplan (layers contract): looked up by name, not imported
        Material = apps.get_model("evidence", "Material")
    except LookupError:  # evidence app absent: the requirements alone
        return [{"requirement": r, "uploads": []} for r in reqs]
    uploads = {}
    for m in (
        Material.objects.restrict(user)
        .filter(campaign_id=task.campaign_id, requirement__in=reqs)
        .select_related("unit")
        .order_by("-submitted_at")
    ):
        uploads.setdefault(m.requirement_id, []).append(m)
    return [{"requirement": r, "uploads": uploads.get(r.pk, [])} for r in reqs]


def _render_main(request, task, status=200, **kw):
    ctx = _detail_context(request, task, **kw)
    template = "workplan/_task_main.html" if is_htmx(request) else "workplan/task_detail.html"
    return render(request, template, ctx, status=status)


@login_required
def task_detail(request, pk):
    task = get_object_for_user(Task, request.user, pk, queryset=task_queryset())
    return render(request, "workplan/task_detail.html", _detail_context(request, task))


def _done(request, task, message):
    messages.success(request, message)
    if is_htmx(request):
        return _render_main(request, task)
    return redirect(task.get_absolute_url())


def _failed(request, task, exc):
    """HTMX: the panel again with the error in it; plain POST: back to the page with a message."""
    text = str(exc) if isinstance(exc, ConcurrentEditError) else _error_text(exc)
    if is_htmx(request):
        ctx = _detail_context(request, task)
        ctx["error"] = text
        return render(request, "workplan/_task_main.html", ctx)
    messages.error(request, text)
    return redirect(task.get_absolute_url())


@require_POST
@login_required
def task_claim(request, pk):
    task = get_object_for_user(Task, request.user, pk, queryset=task_queryset())
    try:
        services.claim_task(task, actor=request.user)
    except ValidationError as exc:
        return _failed(request, task, exc)
    return _done(request, task, "已认领，请及时填报进展")


@require_POST
@login_required
def task_progress(request, pk):
    task = get_object_for_user(Task, request.user, pk, queryset=task_queryset())
    manage = services.can_manage_task(request.user, task)
    form = ProgressForm(request.POST, task=task, office=manage)
    if not form.is_valid():
        if is_htmx(request):
            return _render_main(request, task, progress_form=form)
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(task.get_absolute_url())
    data = form.cleaned_data
    try:
        services.report_progress(
            task,
            data["progress"],
            data["note"],
            data["status"] or None,
            actor=request.user,
            expected_version=data.get("edit_version"),
        )
    except (ValidationError, ConcurrentEditError) as exc:
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            form.add_error(None, str(exc) if isinstance(exc, ConcurrentEditError) else _error_text(exc))
        if is_htmx(request):
            return _render_main(request, task, progress_form=form)
        return _failed(request, task, exc)
    return _done(request, task, "进展已保存")


@require_POST
@login_required
def task_complete(request, pk):
    task = get_object_for_user(Task, request.user, pk, "change", queryset=task_queryset())
    try:
        services.complete_task(
            task,
            request.POST.get("note", ""),
            actor=request.user,
            expected_version=request.POST.get("version"),
        )
    except (ValidationError, ConcurrentEditError) as exc:
        return _failed(request, task, exc)
    return _done(request, task, "任务已确认完成")


@require_POST
@login_required
def task_send_back(request, pk):
    task = get_object_for_user(Task, request.user, pk, "change", queryset=task_queryset())
    try:
        services.send_back_task(
            task,
            request.POST.get("note", ""),
            actor=request.user,
            expected_version=request.POST.get("version"),
        )
    except (ValidationError, ConcurrentEditError) as exc:
        return _failed(request, task, exc)
    return _done(request, task, "已退回责任单位")


class TaskEditView(ObjectEditView):
    model = Task
    form_class = TaskForm

    def base_queryset(self):
        return task_queryset()

    def check_permission(self, obj):
        super().check_permission(obj)
        services.check_manage(self.request.user, obj.campaign)

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in TaskForm.Meta.fields}
        return services.update_task(
            form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("edit_version"),
            **data,
        )


class TaskCreateView(ObjectEditView):
    """New task by the office, in the campaign given by ?campaign= (default: the first one in scope)."""

    model = Task
    form_class = TaskCreateForm
    title = "新建任务"

    def campaigns(self):
        return (
            Campaign.objects.restrict(self.request.user, "change")
            .unarchived()
            .select_related("region", "framework")
        )

    def campaign(self):
        cid = self.request.POST.get("campaign") or self.request.GET.get("campaign")
        qs = self.campaigns()
        campaign = current_campaign(self.request.user, cid or None, queryset=qs)
        if campaign is None:
            raise PermissionDenied("没有可以管理的创建项目")
        return campaign

    def get_object(self):
        return None

    def check_permission(self, obj):
        super().check_permission(obj)
        services.check_manage(self.request.user, self.campaign())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign(), "campaigns": self.campaigns()}

    def save(self, form):
        d = form.cleaned_data
        return services.create_task(
            d["campaign"],
            actor=self.request.user,
            title=d["title"],
            unit=d["unit"],
            deadline=d["deadline"],
            description=d["description"],
            role=d["role"],
            item=d["item"],
        )


@login_required
def task_reassign(request, pk):
    task = get_object_for_user(Task, request.user, pk, "change", queryset=task_queryset())
    services.check_manage(request.user, task.campaign)
    form = ReassignForm(
        request.POST or None,
        campaign=task.campaign,
        initial={"unit": task.unit_id, "edit_version": task.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign_task(
                task,
                form.cleaned_data["unit"],
                note=form.cleaned_data["note"],
                actor=request.user,
                expected_version=form.cleaned_data["edit_version"],
            )
        except (ValidationError, ConcurrentEditError) as exc:
            form.add_error(None, str(exc) if isinstance(exc, ConcurrentEditError) else _error_text(exc))
        else:
            messages.success(request, f"已改派至“{task.unit}”")
            return redirect(task.get_absolute_url())
    return render(
        request,
        "core/object_edit.html",
        {"form": form, "object": task, "title": f"改派任务：{task}", "cancel_url": task.get_absolute_url()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def task_split(request, pk):
    task = get_object_for_user(Task, request.user, pk, "change", queryset=task_queryset())
    services.check_manage(request.user, task.campaign)
    formset = SplitFormSet(request.POST or None, form_kwargs={"campaign": task.campaign})
    error = None
    if request.method == "POST" and formset.is_valid():
        parts = [
            (f.cleaned_data.get("title"), f.cleaned_data.get("unit"), f.cleaned_data.get("deadline"))
            for f in formset.forms
            if f.cleaned_data
        ]
        try:
            children = services.split_task(task, parts, actor=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, f"已拆分为{len(children)}项子任务")
            return redirect(task.get_absolute_url())
    return render(
        request,
        "workplan/task_split.html",
        {"task": task, "formset": formset, "error": error, "title": f"拆分任务：{task}"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def task_generate(request):
    campaigns = Campaign.objects.restrict(request.user, "change").unarchived().select_related("framework")
    if request.user.is_read_only or not campaigns.exists():
        raise PermissionDenied("只有创建办可以生成任务")
    form = GenerateForm(
        request.POST or None, campaigns=campaigns, initial={"campaign": request.GET.get("campaign")}
    )
    if request.method == "POST" and form.is_valid():
        campaign = form.cleaned_data["campaign"]
        result = services.generate_tasks(campaign, actor=request.user)
        text = f"新生成任务{result['created']}项，已有{result['existing']}项保持不变"
        if result["no_deadline"]:
            text += f"；其中{result['no_deadline']}项细则未写完成时限且未设默认时限，请批量设置"
        messages.success(request, text)
        return redirect(f"{_list_url()}?campaign={campaign.pk}")
    return render(request, "workplan/task_generate.html", {"form": form, "title": "由评价细则生成任务"})


def bulk_units(user):
    from shian.organisation.models import Unit

    path = getattr(user.region_scope, "path", None)
    qs = Unit.objects.filter(is_active=True).select_related("region").order_by("kind", "sort_order", "name")
    return qs if user.is_admin or path is None else qs.filter(region__path__startswith=path)


# Buttons of the bulk bar besides 批量修改: {action: (label, function(request, tasks) -> message)}.
# The notifications work (bulk 催办) registers its action here; the view dispatches on `action`.
BULK_ACTIONS: dict = {}


@login_required
@require_POST
def task_bulk(request):
    """The list's bulk bar: the ticked tasks (scoped: others' ids are ignored) and one action."""
    user = request.user
    ids = [int(i) for i in request.POST.getlist("pick") if i.isdigit()]
    tasks = list(
        Task.objects.restrict(user, "change").filter(pk__in=ids).select_related("campaign__region", "unit")
    )
    back = request.POST.get("next") or _list_url()
    if not back.startswith("/"):
        back = _list_url()
    action = request.POST.get("action", "edit")
    if action in BULK_ACTIONS:
        messages.success(request, BULK_ACTIONS[action][1](request, tasks))
        return redirect(back)
    form = BulkEditForm(request.POST, units=bulk_units(user))
    if not form.is_valid():
        messages.error(
            request, "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items())
        )
        return redirect(back)
    d = form.cleaned_data
    try:
        n = services.bulk_update_tasks(
            tasks,
            actor=user,
            deadline=d["deadline"],
            unit=d["unit"],
            status=d["status"] or None,
            note=d["note"],
        )
    except ValidationError as exc:
        messages.error(request, "未做任何修改：" + _error_text(exc))
    except ConcurrentEditError as exc:
        messages.error(request, f"未做任何修改：{exc}")
    else:
        messages.success(request, f"已批量修改任务{n}项")
    return redirect(back)


def _list_url():
    from django.urls import reverse

    return reverse("workplan:task_list")
