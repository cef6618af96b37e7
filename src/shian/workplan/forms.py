from django import forms
from django.forms import formset_factory

from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.framework.models import ScoringItem
from shian.organisation.models import Unit
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task


def campaign_units(campaign):
    return (
        Unit.objects.filter(region__path__startswith=campaign.region.path, is_active=True)
        .select_related("region")
        .order_by("kind", "sort_order", "name")
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name or obj.name


class TaskForm(VersionedModelForm):
    """Office edit of a task; the campaign is fixed, status moves only through the workflow."""

    class Meta:
        model = Task
        fields = ["title", "unit", "role", "deadline", "item", "description"]
        widgets = {"deadline": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"unit": UnitChoiceField}

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = campaign or self.instance.campaign
        self.fields["unit"].queryset = campaign_units(campaign)
        self.fields["item"].queryset = ScoringItem.objects.filter(
            indicator__category__framework=campaign.framework
        ).order_by("indicator__category__seq", "indicator__seq", "seq")
        self.fields["item"].required = False


class TaskCreateForm(TaskForm):
    campaign = forms.ModelChoiceField(queryset=None, label="创建项目")

    class Meta(TaskForm.Meta):
        fields = ["campaign", *TaskForm.Meta.fields]

    def __init__(self, *args, campaign=None, campaigns=None, **kwargs):
        super().__init__(*args, campaign=campaign, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].initial = campaign.pk
        self.fields["campaign"].widget.attrs["class"] = "form-select"


class ProgressForm(StyledForm):
    status = forms.ChoiceField(label="状态", required=False)
    progress = forms.IntegerField(
        label="进度(%)",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    note = forms.CharField(label="进展说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, task=None, office=False, **kwargs):
        super().__init__(*args, **kwargs)
        if office:
            choices = [
                (TaskStatus.IN_PROGRESS, "进行中"),
                (TaskStatus.SUBMITTED, "已提交"),
                (TaskStatus.DONE, "已完成"),
            ]
        else:
            choices = [
                (TaskStatus.IN_PROGRESS, "进行中"),
                (TaskStatus.SUBMITTED, "提交（完成后提交创建办审核）"),
            ]
        self.fields["status"].choices = [("", "保持不变"), *choices]


class ReassignForm(StyledForm):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label="新责任单位")
    note = forms.CharField(label="改派说明", required=False)
    edit_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = campaign_units(campaign)


class ReasonForm(StyledForm):
    note = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))


class SplitPartForm(StyledForm):
    title = forms.CharField(label="子任务名称", max_length=300, required=False)
    unit = UnitChoiceField(queryset=Unit.objects.none(), label="责任单位", required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = campaign_units(campaign)


SplitFormSet = formset_factory(SplitPartForm, extra=3, max_num=20)


class GenerateForm(StyledForm):
    campaign = forms.ModelChoiceField(queryset=None, label="创建项目")

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class BulkEditForm(StyledForm):
    """The ticked tasks' new deadline, unit and/or status (blank: unchanged)."""

    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())
    unit = UnitChoiceField(
        queryset=Unit.objects.none(), label="责任单位", required=False, empty_label="（不变）"
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "（不变）"),
            (TaskStatus.DONE, "确认完成"),
            (TaskStatus.IN_PROGRESS, "退回/重新打开"),
            (TaskStatus.PENDING_CLAIM, "待认领（须同时改派）"),
        ],
    )
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
