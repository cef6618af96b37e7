from django import forms

from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.showcase.choices import FileKind
from shian.showcase.models import Project


class ProjectForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = [
            "campaign",
            "title",
            "direction",
            "item",
            "lead_unit",
            "partners",
            "practice",
            "results",
            "innovation",
            "replicability",
        ]
        widgets = {
            n: forms.Textarea(attrs={"rows": 4})
            for n in ("practice", "results", "innovation", "replicability")
        }


class MilestoneForm(StyledForm):
    title = forms.CharField(label="阶段目标", max_length=120)
    due_on = forms.DateField(label="计划完成", widget=DateInput())


class CompleteForm(StyledForm):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label="实际完成", widget=DateInput())
    note = forms.CharField(label="完成情况", max_length=300, required=False)


class FileForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=FileKind.choices)
    upload = forms.FileField(label="文件")


class ReviewForm(StyledForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "审核通过"), ("return", "退回修改")])
    score_targeted = forms.IntegerField(label="针对性（0–10）", min_value=0, max_value=10, required=False)
    score_innovative = forms.IntegerField(label="创新性（0–10）", min_value=0, max_value=10, required=False)
    score_exemplary = forms.IntegerField(label="示范性（0–10）", min_value=0, max_value=10, required=False)
    score_replicable = forms.IntegerField(label="可推广性（0–10）", min_value=0, max_value=10, required=False)
    comment = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)
