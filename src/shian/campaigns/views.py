from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render

from shian.campaigns import services
from shian.campaigns.filtersets import CampaignFilterSet
from shian.campaigns.forms import CampaignForm, MilestoneFormSet
from shian.campaigns.models import Campaign
from shian.campaigns.tables import CampaignTable
from shian.core import policy
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from shian.workplan.models import Task


class CampaignListView(ObjectListView):
    model = Campaign
    filterset_class = CampaignFilterSet
    table_class = CampaignTable
    create_url_name = "campaigns:campaign_add"

    def base_queryset(self):
        return (Campaign.objects.select_related("region", "framework")
                .annotate(task_count=Count("tasks")).order_by("-created_at"))

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
        tasks = Task.objects.restrict(user).filter(campaign=campaign)
        by_status = dict(tasks.values_list("status").annotate(n=Count("id")).order_by())
        ctx.update(
            milestones=list(campaign.milestones.all()),
            countdown=services.countdown(campaign),
            task_total=sum(by_status.values()),
            task_by_status=by_status,
            task_overdue=tasks.overdue().count(),
            rounds=campaign.rounds.restrict(user)[:5] if hasattr(campaign, "rounds") else [],
            can_manage=policy.manages(user, campaign),
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
        return render(self.request, self.template_name,
                      {"form": form, "formset": formset, "object": obj, "title": self.get_title(obj)}, status=status)

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
