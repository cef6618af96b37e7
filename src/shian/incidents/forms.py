from django import forms

from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.incidents.choices import EventKind, SiteStatus
from shian.incidents.models import Incident, SpecialCampaign
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region
from shian.registry.models import SiteCategory


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


class SpecialCampaignForm(VersionedModelForm):
    class Meta:
        model = SpecialCampaign
        fields = ["region", "title", "kind", "starts_on", "ends_on", "lead_unit", "goal", "status", "summary"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class TargetForm(StyledForm):
    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=Region.objects.none())
    target = forms.IntegerField(label="目标户数", min_value=0, max_value=100000)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["township"].queryset = Region.objects.filter(
                path__startswith=campaign.region.path, level=RegionLevel.TOWNSHIP
            ).order_by("code")


class CoverForm(StyledForm):
    categories = forms.ModelMultipleChoiceField(
        label="业态",
        queryset=SiteCategory.objects.filter(is_active=True),
        required=False,
        help_text="不选则按整治类型的默认业态",
    )
    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=Region.objects.none(), required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["township"].queryset = Region.objects.filter(
                path__startswith=campaign.region.path, level=RegionLevel.TOWNSHIP
            ).order_by("code")


class SiteForm(StyledForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="整治情况", choices=SiteStatus.choices)
    checked_on = forms.DateField(label="排查日期", required=False, widget=DateInput())
    finding = forms.CharField(label="发现问题", max_length=300, required=False)
    result = forms.CharField(label="整改结果", max_length=300, required=False)
