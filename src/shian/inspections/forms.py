from django import forms

from shian.campaigns.models import Campaign
from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.inspections.models import InspectionPlan
from shian.organisation.models import Region, User
from shian.registry.choices import RiskGrade
from shian.registry.models import SiteCategory


class PlanForm(VersionedModelForm):
    """The plan and, per 业态, how many points to draw in each chosen area."""

    risk_grades = forms.MultipleChoiceField(
        label="高风险层：风险等级",
        choices=RiskGrade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InspectionPlan
        fields = [
            "campaign",
            "name",
            "stage",
            "mode",
            "areas",
            "planned_on",
            "exclude_visited_days",
            "risk_grades",
            "risk_failed_before",
            "risk_share",
            "reserves",
            "allow_shortfall",
        ]
        widgets = {"planned_on": DateInput(), "areas": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        campaigns = Campaign.objects.restrict(user, "change")
        self.fields["campaign"].queryset = campaigns
        paths = [c.region.path for c in campaigns.select_related("region")]
        regions = Region.objects.filter(level__in=[3, 4])
        if not user.is_admin:
            from django.db.models import Q

            q = Q(pk__in=[])
            for p in paths:
                q |= Q(path__startswith=p)
            regions = regions.filter(q)
        self.fields["areas"].queryset = regions
        self.categories = list(SiteCategory.objects.filter(is_active=True))
        existing = (
            {q.category_id: q.quota for q in self.instance.quotas.filter(area__isnull=True)}
            if self.instance.pk
            else {}
        )
        for cat in self.categories:
            self.fields[f"quota_{cat.code}"] = forms.IntegerField(
                label=f"{cat.name}（每个区域点位数）",
                min_value=0,
                max_value=500,
                required=False,
                initial=existing.get(cat.pk),
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def clean(self):
        d = super().clean()
        if not any(d.get(f"quota_{c.code}") for c in self.categories):
            raise forms.ValidationError("请至少为一个业态设置抽取点位数")
        return d

    def quotas(self):
        return [
            (c, None, self.cleaned_data[f"quota_{c.code}"])
            for c in self.categories
            if self.cleaned_data.get(f"quota_{c.code}")
        ]


class DrawForm(StyledForm):
    seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=0,
        max_value=10**12,
        help_text="留空则随机生成；填写同一种子可复现抽取结果",
    )


class AssignForm(StyledForm):
    inspectors = forms.ModelMultipleChoiceField(label="检查人员", queryset=User.objects.none())
    scheduled_on = forms.DateField(label="检查日期", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = User.objects.restrict(self.user).filter(
            is_active=True
        ) | User.objects.filter(role="expert", is_active=True)


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", max_length=200)


class ChecklistImportForm(StyledForm):
    file = forms.FileField(
        label="检查表文件",
        help_text="xlsx：业态、序号、检查环节、类型、检查内容、分值、扣分标准、须拍照、关键项",
    )
    basis = forms.CharField(label="依据", max_length=200, required=False)
