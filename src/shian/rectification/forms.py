from django import forms

from shian.campaigns.models import Campaign
from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.core.uploads import GatedFileField
from shian.framework.models import ScoringItem
from shian.organisation.models import Unit
from shian.rectification.choices import VerifyMethod
from shian.rectification.models import Problem, Summons


class ProblemForm(VersionedModelForm):
    class Meta:
        model = Problem
        fields = [
            "campaign",
            "description",
            "source",
            "source_detail",
            "items",
            "points",
            "unit",
            "person",
            "severity",
            "measures",
            "found_on",
            "deadline",
        ]
        widgets = {
            "found_on": DateInput(),
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.restrict(self.user, "change").unarchived()
        self.fields["campaign"].queryset = campaigns
        self.fields["unit"].queryset = Unit.objects.restrict(self.user, "change")
        self.fields["items"].queryset = (
            ScoringItem.objects.filter(indicator__category__framework__campaigns__in=campaigns)
            .distinct()
            .select_related("indicator")
        )
        self.fields["items"].required = False
        if self.instance.pk:
            self.fields["campaign"].disabled = True


class ProgressForm(StyledForm):
    text = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForm(StyledForm):
    text = forms.CharField(label="整改完成情况", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = GatedFileField(
        label="整改佐证（照片、文件）",
        required=False,
        use="rectification",
        help_text="PDF、Word、Excel、JPG/PNG，单个不超过 20MB",
    )


class VerifyForm(StyledForm):
    method = forms.ChoiceField(
        label="核验方式", choices=[c for c in VerifyMethod.choices if c[0] != "import"]
    )
    note = forms.CharField(label="核验意见", widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="新的整改时限", required=False, widget=DateInput())


class ImportForm(StyledForm):
    campaign = forms.ModelChoiceField(label="创建项目", queryset=Campaign.objects.none())
    file = GatedFileField(label="整改台账（xlsx/xls/csv）", use="import")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.restrict(self.user, "change").unarchived()


class SummonsForm(VersionedModelForm):
    class Meta:
        model = Summons
        fields = ["reason", "held_on", "convener", "attendees", "outcome"]
        widgets = {"held_on": DateInput()}
