from django import forms

from shian.campaigns.models import Campaign
from shian.core.forms import DateInput, StyledForm
from shian.dispatch.models import DispatchRound
from shian.reports.choices import DocumentKind
from shian.scoring.models import Assessment


def assessment_choices(user):
    """[(id, label)] of the assessments the user may see."""
    qs = Assessment.objects.restrict(user).select_related("campaign").order_by("-held_on", "-id")[:200]
    return [(a.pk, f"{a.campaign}：{a}（{a.get_kind_display()}）") for a in qs]


class DocumentCreateForm(StyledForm):
    """New document: the kind and the data it is drawn from."""

    campaign = forms.ModelChoiceField(label="创建项目", queryset=Campaign.objects.none())
    kind = forms.ChoiceField(label="文种", choices=DocumentKind.choices)
    period = forms.CharField(
        label="期间",
        required=False,
        help_text="简报：如 2024-05（默认本月）；工作总结：2024-H1、2024（默认上一个半年）",
    )
    round = forms.ModelChoiceField(
        label="调度轮次", queryset=DispatchRound.objects.none(), required=False, help_text="调度通报必选"
    )
    assessment_ref = forms.TypedChoiceField(
        label="评审",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="自评报告/评审报告：默认最近一次自评（评审报告取最近一次外部评审）",
    )
    title = forms.CharField(label="标题", required=False, max_length=200, help_text="为空时按数据自动拟定")
    issued_on = forms.DateField(label="成文日期", required=False, widget=DateInput)
    confirm_duplicate = forms.BooleanField(
        label="确认再出一期", required=False, help_text="同一期间已有简报时须勾选"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.restrict(user, "change").unarchived()
        self.fields["round"].queryset = DispatchRound.objects.restrict(user, "change").select_related(
            "campaign"
        )
        self.fields["assessment_ref"].choices = [("", "（自动选择）"), *assessment_choices(user)]


class NarrativeForm(StyledForm):
    """The editable words of a document: one textarea per narrative section, plus title and date."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="标题", max_length=200)
    issued_on = forms.DateField(label="成文日期", widget=DateInput)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        for s in sections:
            self.fields[f"s_{s.key}"] = forms.CharField(
                label=s.label, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        self._style()

    def texts(self):
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("s_")}
