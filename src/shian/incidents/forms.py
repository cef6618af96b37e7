from django import forms

from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.incidents.choices import EventKind
from shian.incidents.models import Incident


class IncidentForm(VersionedModelForm):
    class Meta:
        model = Incident
        fields = [
            "region",
            "title",
            "occurred_on",
            "place",
            "level",
            "kind",
            "affected",
            "description",
            "lead_unit",
            "confirmed",
            "reported_at",
            "reported_on_time",
            "concealed",
            "veto_override",
            "override_reason",
        ]
        widgets = {"occurred_on": DateInput()}


class EventForm(StyledForm):
    kind = forms.ChoiceField(label="环节", choices=EventKind.choices)
    note = forms.CharField(label="情况", widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(StyledForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = forms.DateField(label="结案日期", widget=DateInput())
    summary = forms.CharField(label="结案情况", widget=forms.Textarea(attrs={"rows": 3}))
