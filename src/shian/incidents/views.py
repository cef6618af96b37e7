from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.campaigns.services import current_campaign
from shian.core.policy import change_path, manages
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.incidents import services
from shian.incidents.filtersets import IncidentFilterSet
from shian.incidents.forms import CloseForm, EventForm, IncidentForm
from shian.incidents.models import Incident
from shian.incidents.tables import IncidentTable


def may_register(user):
    return not user.is_read_only and change_path(user) is not None


class IncidentListView(ObjectListView):
    model = Incident
    filterset_class = IncidentFilterSet
    table_class = IncidentTable
    create_url_name = "incidents:incident_add"
    title = "食品安全事件登记"
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
