from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.campaigns.services import current_campaign
from shian.core.policy import change_path, manages
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.incidents import services
from shian.incidents.choices import SITE_DONE, SiteStatus
from shian.incidents.filtersets import IncidentFilterSet, SpecialCampaignFilterSet, SpecialSiteFilterSet
from shian.incidents.forms import (
    CloseForm,
    CoverForm,
    EventForm,
    IncidentForm,
    SiteForm,
    SpecialCampaignForm,
    TargetForm,
)
from shian.incidents.models import Incident, SpecialCampaign, SpecialSite
from shian.incidents.tables import IncidentTable, SpecialCampaignTable
from shian.registry.models import Business


def may_register(user):
    return not user.is_read_only and change_path(user) is not None


class IncidentListView(ObjectListView):
    model = Incident
    filterset_class = IncidentFilterSet
    table_class = IncidentTable
    create_url_name = "incidents:incident_add"
    title = "食品安全事件登记"
    extra_actions = [("专项整治", "incidents:special_list")]
    export_name = "食品安全事件"

    def base_queryset(self):
        return Incident.objects.select_related("region")

    template_name = "incidents/incident_list.html"

    def can_create(self):
        return may_register(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["veto_summary"] = veto_summary(self.request.user)
        return ctx


def veto_summary(user) -> dict:
    """The 否决项 figure over the current campaign's period (from its start, else the last three years),
    counted over the incidents the user may see."""
    campaign = current_campaign(user)
    end = timezone.localdate()
    start = campaign.started_on if campaign and campaign.started_on else end.replace(year=end.year - 3)
    count = (
        Incident.objects.restrict(user).filter(occurred_on__gte=start, occurred_on__lte=end).vetoing().count()
    )
    return {"campaign": campaign, "start": start, "end": end, "count": count}


def _detail(request, incident, event_form=None, close_form=None, status=200):
    can_edit = not request.user.is_read_only and manages(request.user, incident.region)
    ctx = {
        "object": incident,
        "title": incident.title,
        "can_edit": can_edit,
        "events": incident.events.select_related("recorded_by"),
        "event_form": event_form or EventForm(),
        "close_form": close_form or CloseForm(initial={"edit_version": incident.version}),
    }
    return render(request, "incidents/incident_detail.html", ctx, status=status)


class IncidentDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        incident = get_object_for_user(
            Incident, request.user, pk, queryset=Incident.objects.select_related("region", "lead_unit")
        )
        return _detail(request, incident)


class IncidentEventView(LoginRequiredMixin, View):
    def post(self, request, pk):
        incident = get_object_for_user(Incident, request.user, pk, action="change")
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                services.add_event(incident, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
                return _detail(request, incident, event_form=form, status=400)
            messages.success(request, "已添加处置记录")
            return redirect(incident.get_absolute_url())
        return _detail(request, incident, event_form=form, status=400)


class IncidentCloseView(LoginRequiredMixin, View):
    def post(self, request, pk):
        incident = get_object_for_user(Incident, request.user, pk, action="change")
        form = CloseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.close_incident(
                    incident,
                    actor=request.user,
                    expected_version=d["edit_version"],
                    closed_on=d["closed_on"],
                    summary=d["summary"],
                )
            except (ValidationError, ConcurrentEditError) as exc:
                form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
                incident.refresh_from_db()  # the service set the closure fields before refusing them
                return _detail(request, incident, close_form=form, status=400)
            messages.success(request, "事件已结案")
            return redirect(incident.get_absolute_url())
        return _detail(request, incident, close_form=form, status=400)


class IncidentEditView(ObjectEditView):
    model = Incident
    form_class = IncidentForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is None and not may_register(self.request.user):
            raise PermissionDenied("只有创建办可以登记食品安全事件")

    def save(self, form):
        d = dict(form.cleaned_data)
        expected = d.pop("edit_version", None)
        if form.instance.pk:
            return services.update_incident(
                form.instance, actor=self.request.user, expected_version=expected, **d
            )
        return services.create_incident(actor=self.request.user, **d)


# ------------------------------------------------------------------------------ 专项整治


class SpecialListView(ObjectListView):
    model = SpecialCampaign
    filterset_class = SpecialCampaignFilterSet
    table_class = SpecialCampaignTable
    create_url_name = "incidents:special_add"
    title = "专项整治"
    export_name = "专项整治"
    extra_actions = [("事件登记", "incidents:incident_list")]

    def base_queryset(self):
        return SpecialCampaign.objects.select_related("region").annotate(
            site_count=Count("sites", distinct=True),
            done_count=Count("sites", filter=Q(sites__status__in=SITE_DONE), distinct=True),
        )

    def can_create(self):
        return may_register(self.request.user)


class SpecialEditView(ObjectEditView):
    model = SpecialCampaign
    form_class = SpecialCampaignForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is None and not may_register(self.request.user):
            raise PermissionDenied("只有创建办可以部署专项整治")

    def save(self, form):
        d = dict(form.cleaned_data)
        expected = d.pop("edit_version", None)
        if form.instance.pk:
            return services.update_special(
                form.instance, actor=self.request.user, expected_version=expected, **d
            )
        return services.create_special(actor=self.request.user, **d)


SITES_PER_PAGE = 50


def _special(request, campaign, status=200, **forms):
    user = request.user
    office = not user.is_read_only and manages(user, campaign.region)
    sites = (
        SpecialSite.objects.restrict(user)
        .filter(campaign=campaign)
        .select_related("business__region", "business__category")
    )
    filterset = SpecialSiteFilterSet(request.GET or None, queryset=sites)
    page = Paginator(filterset.qs, SITES_PER_PAGE).get_page(request.GET.get("page"))
    editable = (
        set(
            Business.objects.restrict(user, "change")
            .filter(pk__in=[s.business_id for s in page])
            .values_list("pk", flat=True)
        )
        if not user.is_read_only
        else set()
    )
    for s in page:
        s.can_record = campaign.status != "closed" and (office or s.business_id in editable)
    ctx = {
        "object": campaign,
        "title": campaign.title,
        "can_edit": office,
        "progress": services.special_progress(campaign),
        "page": page,
        "filterset": filterset,
        "target_form": forms.get("target_form") or TargetForm(campaign=campaign),
        "cover_form": forms.get("cover_form") or CoverForm(campaign=campaign),
        "site_statuses": SiteStatus.choices,
        "errors": forms.get("errors", []),
    }
    return render(request, "incidents/special_detail.html", ctx, status=status)


class SpecialDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        campaign = get_object_for_user(
            SpecialCampaign,
            request.user,
            pk,
            queryset=SpecialCampaign.objects.select_related("region", "lead_unit"),
        )
        return _special(request, campaign)


class SpecialActionView(LoginRequiredMixin, View):
    """POST /incidents/specials/<pk>/<what>/: target, cover, site."""

    def post(self, request, pk, what):
        campaign = get_object_for_user(SpecialCampaign, request.user, pk)
        try:
            if what == "target":
                form = TargetForm(request.POST, campaign=campaign)
                if not form.is_valid():
                    return _special(request, campaign, 400, target_form=form)
                services.set_target(campaign, actor=request.user, **form.cleaned_data)
                messages.success(request, "已保存整治目标")
            elif what == "cover":
                form = CoverForm(request.POST, campaign=campaign)
                if not form.is_valid():
                    return _special(request, campaign, 400, cover_form=form)
                n = services.cover_businesses(
                    campaign,
                    actor=request.user,
                    categories=[c.code for c in form.cleaned_data["categories"]],
                    township=form.cleaned_data["township"],
                )
                messages.success(request, f"已从主体库纳入整治对象{n}户")
            elif what == "site":
                site = get_object_for_user(
                    SpecialSite, request.user, request.POST.get("site"), queryset=campaign.sites.all()
                )
                form = SiteForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("；".join(e for es in form.errors.values() for e in es))
                d = dict(form.cleaned_data)
                services.record_site(site, actor=request.user, expected_version=d.pop("edit_version"), **d)
                messages.success(request, f"已登记“{site.business}”的整治情况")
            else:
                raise Http404
        except (ValidationError, ConcurrentEditError) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            return _special(request, campaign, 400, errors=errors)
        return redirect(campaign.get_absolute_url())
