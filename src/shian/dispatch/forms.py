from django import forms

from shian.core.forms import DateTimeInput, StyledForm
from shian.dispatch.choices import RoundKind
from shian.organisation.models import Unit


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name or obj.name


class RoundForm(StyledForm):
    campaign = forms.ModelChoiceField(queryset=None, label="创建项目")
    kind = forms.ChoiceField(choices=RoundKind.choices, label="调度类型")
    title = forms.CharField(label="名称", max_length=200, help_text="如“2024年5月食安创城工作月调度”")
    period_label = forms.CharField(label="调度期间", max_length=40, required=False, help_text="如 2024年5月")
    deadline = forms.DateTimeField(
        label="报送截止时间",
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    instructions = forms.CharField(label="调度要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    units = UnitMultipleChoiceField(
        queryset=Unit.objects.none(),
        label="报送单位",
        required=False,
        help_text="不选则为所有有未完成任务的单位",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        regions = campaigns.values("region__path")
        paths = [r["region__path"] for r in regions]
        from django.db.models import Q

        q = Q(pk__in=[])
        for p in paths:
            q |= Q(region__path__startswith=p)
        self.fields["units"].queryset = Unit.objects.filter(q, is_active=True).order_by(
            "kind", "sort_order", "name"
        )


class ReportTextForm(StyledForm):
    narrative = forms.CharField(label="工作进展", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    help_needed = forms.CharField(
        label="需协调事项", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
