from django import forms

from shian.community.models import Activity, Poll, PollOption, RewardReport
from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.supervision.models import ComplaintRecord


class PollForm(VersionedModelForm):
    class Meta:
        model = Poll
        fields = ["region", "title", "intro", "opens_on", "closes_on", "results_note"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}


class OptionForm(VersionedModelForm):
    class Meta:
        model = PollOption
        fields = ["kind", "name"]


class ChooseForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    task_note = forms.CharField(label="抽检任务", max_length=300, required=False)


class ResultForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.CharField(label="抽检结果", max_length=300, required=False)
    sampling = forms.CharField(label="抽检记录编号", max_length=64, required=False)


class RewardReportForm(VersionedModelForm):
    # A number, not a select: the complaint ledger may hold a million rows.
    complaint_number = forms.CharField(label="投诉举报工单编号", max_length=64, required=False)

    class Meta:
        model = RewardReport
        fields = ["region", "number", "received_on", "channel", "subject", "summary"]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.complaint_id and not self.is_bound:
            self.initial["complaint_number"] = self.instance.complaint.number

    def clean_complaint_number(self):
        number = self.cleaned_data["complaint_number"].strip()
        if not number:
            return None
        found = ComplaintRecord.objects.restrict(self.user, "view").filter(number=number).first()
        if found is None:
            raise forms.ValidationError(f"投诉举报工单“{number}”不存在或不在您的管理范围内")
        return found

    def save(self, commit=True):
        self.instance.complaint = self.cleaned_data.get("complaint_number")
        return super().save(commit)


class ActivityForm(VersionedModelForm):
    class Meta:
        model = Activity
        fields = [
            "region",
            "kind",
            "title",
            "held_on",
            "place",
            "organiser",
            "participants",
            "volunteers",
            "materials",
            "media_reports",
            "note",
        ]
        widgets = {"held_on": DateInput()}
