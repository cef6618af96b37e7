from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from shian.campaigns.services import current_campaign
from shian.core.exports import attachment_header
from shian.core.files import file_response
from shian.core.policy import acts_for, change_path, manages
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.showcase import services
from shian.showcase.bonus import project_points
from shian.showcase.docs import pack_zip, portfolio_docx
from shian.showcase.filtersets import ProjectFilterSet
from shian.showcase.forms import CompleteForm, FileForm, MilestoneForm, ProjectForm, ReviewForm
from shian.showcase.models import Project, ProjectFile
from shian.showcase.services import EDITABLE
from shian.showcase.tables import ProjectTable


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    create_url_name = "showcase:project_add"
    title = "示范引领项目"
    export_name = "示范引领项目"
    extra_actions = [("项目进度", "showcase:progress")]

    def base_queryset(self):
        return Project.objects.select_related("lead_unit", "item")

    def can_create(self):
        return not self.request.user.is_read_only and change_path(self.request.user) is not None


def _project(user, pk, action="view"):
    return get_object_for_user(
        Project,
        user,
        pk,
        action,
        queryset=Project.objects.select_related("campaign__region", "lead_unit", "item"),
    )


def _detail(request, project, status=200, **forms):
    user = request.user
    office = not user.is_read_only and manages(user, project.campaign)
    editor = (
        not user.is_read_only and (office or acts_for(user, project.lead_unit)) and project.status in EDITABLE
    )
    ctx = {
        "object": project,
        "title": project.title,
        "can_edit": editor,
        "can_review": office and project.status == "submitted",
        "milestones": project.milestones.all(),
        "files": project.files.all(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "complete_form": CompleteForm(),
        "file_form": forms.get("file_form") or FileForm(),
        "review_form": forms.get("review_form") or ReviewForm(initial={"edit_version": project.version}),
        "errors": forms.get("errors", []),
        "bonus_points": project_points(project, project.item)
        if project.item_id and project.status == "approved"
        else None,
    }
    return render(request, "showcase/project_detail.html", ctx, status=status)


class ProjectDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return _detail(request, _project(request.user, pk))


class ProjectActionView(LoginRequiredMixin, View):
    """POST /showcase/<pk>/<action>/: milestone, complete, file, submit, review."""

    def post(self, request, pk, what):
        project = _project(request.user, pk, "change")
        try:
            if what == "milestone":
                form = MilestoneForm(request.POST)
                if not form.is_valid():
                    return _detail(request, project, 400, milestone_form=form)
                services.add_milestone(project, actor=request.user, **form.cleaned_data)
            elif what == "complete":
                form = CompleteForm(request.POST)
                if not form.is_valid():
                    return _detail(
                        request, project, 400, errors=[e for es in form.errors.values() for e in es]
                    )
                m = get_object_or_404(project.milestones, pk=form.cleaned_data["milestone"])
                services.complete_milestone(
                    m,
                    actor=request.user,
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                )
            elif what == "file":
                form = FileForm(request.POST, request.FILES)
                if not form.is_valid():
                    return _detail(request, project, 400, file_form=form)
                services.add_file(
                    project,
                    actor=request.user,
                    upload=form.cleaned_data["upload"],
                    kind=form.cleaned_data["kind"],
                )
            elif what == "submit":
                services.submit_project(
                    project, actor=request.user, expected_version=int(request.POST.get("edit_version") or 0)
                )
            elif what == "review":
                form = ReviewForm(request.POST)
                if not form.is_valid():
                    return _detail(request, project, 400, review_form=form)
                d = dict(form.cleaned_data)
                services.review_project(
                    project,
                    actor=request.user,
                    expected_version=d.pop("edit_version"),
                    approve=d.pop("decision") == "approve",
                    comment=d.pop("comment"),
                    **d,
                )
            else:
                raise Http404
        except (ValidationError, ConcurrentEditError) as exc:
            project.refresh_from_db()
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            return _detail(request, project, 400, errors=errors)
        except PermissionDenied:
            raise
        messages.success(request, "已保存")
        return redirect(project.get_absolute_url())


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is None and change_path(self.request.user) is None:
            raise PermissionDenied("只有创建办可以新建示范引领项目")

    def save(self, form):
        d = dict(form.cleaned_data)
        expected = d.pop("edit_version", None)
        if form.instance.pk:
            return services.update_project(
                form.instance, actor=self.request.user, expected_version=expected, **d
            )
        return services.create_project(actor=self.request.user, **d)


class FileDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        f = get_object_for_user(ProjectFile, request.user, pk)
        return file_response(f.file, f.original_name, inline=request.GET.get("inline") == "1")


def _campaign(request):
    campaign = current_campaign(request.user, request.GET.get("campaign"))
    if campaign is None:
        raise Http404("没有可查看的创建项目")
    return campaign


def _projects(request, campaign):
    return (
        Project.objects.restrict(request.user)
        .filter(campaign=campaign)
        .select_related("lead_unit", "item")
        .prefetch_related("milestones", "files")
    )


class ProgressView(LoginRequiredMixin, View):
    def get(self, request):
        campaign = _campaign(request)
        rows = services.progress(_projects(request, campaign))
        counts = {}
        for r in rows:
            label = r["project"].get_status_display()
            counts[label] = counts.get(label, 0) + 1
        ctx = {"title": "示范引领项目进度", "campaign": campaign, "rows": rows, "counts": counts}
        return render(request, "showcase/progress.html", ctx)


class PortfolioView(LoginRequiredMixin, View):
    def get(self, request):
        campaign = _campaign(request)
        data = portfolio_docx(campaign, list(_projects(request, campaign)))
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('示范引领项目申报材料.docx')}"
        return response


class PackView(LoginRequiredMixin, View):
    """答辩材料包 of one project: whoever may read the project (office, leaders, the lead unit)."""

    def get(self, request, pk):
        project = get_object_for_user(
            Project,
            request.user,
            pk,
            queryset=Project.objects.select_related("campaign__region", "lead_unit", "item").prefetch_related(
                "milestones", "files"
            ),
        )
        response = HttpResponse(pack_zip(project), content_type="application/zip")
        response["Content-Disposition"] = attachment_header(f"{project.title}答辩材料包.zip")
        response["X-Content-Type-Options"] = "nosniff"
        return response
