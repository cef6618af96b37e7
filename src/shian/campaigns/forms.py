from django import forms

from shian.campaigns.models import Campaign, Milestone
from shian.core.forms import DateInput, VersionedModelForm
from shian.organisation.models import Region, Unit


class CampaignForm(VersionedModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "region",
            "level",
            "framework",
            "office",
            "status",
            "started_on",
            "default_task_deadline",
            "description",
            "remind_days_before",
            "quiet_start",
            "quiet_end",
        ]
        widgets = {
            "started_on": DateInput(),
            "default_task_deadline": DateInput(),
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        if user and not user.is_admin and user.region_scope is not None:
            self.fields["region"].queryset = Region.objects.filter(path__startswith=user.region_scope.path)
            self.fields["office"].queryset = Unit.objects.restrict(user, "change").filter(kind="office")
        # framework choices are already limited to the frameworks the user may read (restrict_choices)
        for name in NOTIFY_FIELDS:  # optional on the form: left out, the campaign keeps its setting
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in NOTIFY_FIELDS:
            if data.get(name) in (None, ""):
                data[name] = getattr(self.instance, name)
        return data


NOTIFY_FIELDS = ("remind_days_before", "quiet_start", "quiet_end")


class MilestoneForm(VersionedModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "title", "date", "done", "note"]
        widgets = {"date": DateInput()}


MilestoneFormSet = forms.inlineformset_factory(
    Campaign,
    Milestone,
    form=MilestoneForm,
    extra=1,
    can_delete=True,
    fields=["kind", "title", "date", "done", "note"],
)
