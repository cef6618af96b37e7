from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shian.campaigns import services
from shian.campaigns.filtersets import CampaignFilterSet
from shian.campaigns.forms import CampaignForm, MilestoneFormSet
from shian.campaigns.models import Campaign
from shian.campaigns.tables import CampaignTable
from shian.core import policy
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectDetailView, ObjectEditView, ObjectListView, get_object_for_user


class CampaignListView(ObjectListView):
    model = Campaign
    filterset_class = CampaignFilterSet
    table_class = CampaignTable
    create_url_name = "campaigns:campaign_add"

    def base_queryset(self):
        return (
            Campaign.objects.select_related("region", "framework")
            .annotate(task_count=Count("tasks"))
            .order_by("-created_at")
        )

    def can_create(self):
        return self.request.user.is_office


class CampaignDetailView(ObjectDetailView):
    model = Campaign
    template_name = "campaigns/campaign_detail.html"

    def base_queryset(self):
        return Campaign.objects.select_related("region", "framework", "office")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        campaign = self.object
        user = self.request.user
        tasks = campaign.tasks.restrict(user)  # through the relation: campaigns sit below workplan
        by_status = dict(tasks.values_list("status").annotate(n=Count("id")).order_by())
        ctx.update(
            milestones=list(campaign.milestones.all()),
            countdown=services.countdown(campaign),
            task_total=sum(by_status.values()),
            task_by_status=by_status,
            task_overdue=tasks.overdue().count(),
            rounds=campaign.rounds.restrict(user)[:5] if hasattr(campaign, "rounds") else [],
            can_manage=policy.manages(user, campaign),
            is_current=services.current_campaign(user) == campaign,
        )
        return ctx


class CampaignEditView(ObjectEditView):
    """Campaign fields and milestones in one form; both saved or neither."""

    model = Campaign
    form_class = CampaignForm
    template_name = "campaigns/campaign_edit.html"

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is not None:
            services.check_can_manage(obj, self.request.user)
            if obj.is_archived:
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied("该创建项目已归档，只读；请先取消归档")
        elif not self.request.user.is_office:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("只有创建办可以新建创建项目")

    def get_initial(self):
        user = self.request.user
        if self.kwargs.get("pk") is None and user.unit_id:
            return {"region": user.unit.region_id, "office": user.unit_id}
        return {}

    def render_form(self, form, obj, status=200, formset=None):
        formset = formset or MilestoneFormSet(instance=obj or Campaign(), prefix="ms")
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "object": obj, "title": self.get_title(obj)},
            status=status,
        )

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        form = self.form_class(request.POST, instance=obj, user=request.user)
        formset = MilestoneFormSet(request.POST, instance=obj or Campaign(), prefix="ms")
        if form.is_valid() and formset.is_valid():
            campaign = form.save(commit=False)
            services.check_can_manage(campaign, request.user)
            try:
                with transaction.atomic():
                    campaign = form.save()
                    formset.instance = campaign
                    formset.save()
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                return self.render_form(form, obj, status=409, formset=formset)
            messages.success(request, "已保存")
            return redirect(campaign.get_absolute_url())
        return self.render_form(form, obj, status=400, formset=formset)


def _safe_next(request, fallback="/"):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or fallback
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return fallback
    return target


@login_required
@require_POST
def choose(request):
    """The navbar switcher: make the posted campaign the user's current one, then go back."""
    campaign = get_object_for_user(
        Campaign, request.user, services.parse_id(request.POST.get("campaign")) or 0
    )
    try:
        services.choose_campaign(request.user, campaign)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"当前项目：{campaign}")
    return redirect(_safe_next(request))


@login_required
@require_POST
def archive(request, pk):
    """归档 / 取消归档 (creation office of the campaign's region)."""
    campaign = get_object_for_user(Campaign, request.user, pk)
    try:
        if request.POST.get("undo") == "1":
            services.unarchive_campaign(campaign, actor=request.user)
            messages.success(request, f"已取消归档“{campaign}”")
        else:
            services.archive_campaign(campaign, actor=request.user)
            messages.success(request, f"已归档“{campaign}”：项目内的数据只读，不再出现在默认选择中")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(campaign.get_absolute_url())


@login_required
def delete(request, pk):
    """Deletion with a confirmation that counts what would go, per kind; refused while something protects it."""
    campaign = get_object_for_user(Campaign, request.user, pk)
    services.check_can_manage(campaign, request.user)
    summary = services.deletion_summary(campaign)
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != campaign.name:
            messages.error(request, "请输入项目名称以确认删除")
        else:
            try:
                services.delete_campaign(campaign, actor=request.user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, f"已删除创建项目“{campaign.name}”")
                return redirect("campaigns:campaign_list")
    return render(
        request,
        "campaigns/campaign_delete.html",
        {
            "object": campaign,
            "summary": summary,
            "title": f"删除创建项目：{campaign}",
        },
        status=400 if request.method == "POST" else 200,
    )
