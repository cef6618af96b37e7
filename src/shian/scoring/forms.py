from decimal import Decimal, InvalidOperation

from django import forms

from shian.campaigns.models import Campaign
from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.evidence.models import Material
from shian.framework.choices import Method
from shian.framework.models import DeductionRule, ScoringItem
from shian.organisation.choices import Role
from shian.organisation.models import Unit, User
from shian.scoring.models import Assessment, Interview, InterviewQuestion, ReviewGroup


class AssessmentForm(VersionedModelForm):
    class Meta:
        model = Assessment
        fields = [
            "campaign",
            "kind",
            "title",
            "held_on",
            "reviewer",
            "satisfaction",
            "awareness",
            "support",
            "note",
        ]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.restrict(self.user, "change").unarchived()
        self.fields["title"].required = False
        self.fields["title"].help_text = "留空时自动生成，如“安澜县自评”"
        if self.instance.pk:
            self.fields["campaign"].disabled = True


def evidence_materials(campaign, item, user):
    """The evidence materials filed for this item that the user may see."""
    return list(
        Material.objects.restrict(user)
        .filter(campaign=campaign, item=item)
        .select_related("unit", "current")
        .order_by("-submitted_at")[:50]
    )


def parse_free_deductions(text):
    """Lines "原因|扣分" (or "原因 扣1分") → [(text, Decimal)]; errors name the line."""
    rows = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            reason, _, pts = line.rpartition("|")
        elif "｜" in line:
            reason, _, pts = line.rpartition("｜")
        else:
            raise forms.ValidationError(f"第{n}行“{line}”：请按“扣分原因|扣分”填写，如“未建立台账|0.5”")
        try:
            value = Decimal(pts.strip().replace("分", ""))
        except InvalidOperation:
            raise forms.ValidationError(f"第{n}行：扣分“{pts.strip()}”不是有效的数字")
        if value < 0:
            raise forms.ValidationError(f"第{n}行：扣分不能为负数")
        rows.append((reason.strip(), value))
    return rows


class ScoreForm(StyledForm):
    points = forms.DecimalField(
        label="得分", required=False, min_value=0, decimal_places=2, help_text="留空时按“分值 − 扣分”自动计算"
    )
    rubric_level = forms.ChoiceField(label="评价等级", required=False)
    rules = forms.ModelMultipleChoiceField(
        label="扣分情形（细则）",
        queryset=DeductionRule.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_deductions = forms.CharField(
        label="其他扣分",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一条：扣分原因|扣分，如“抽检计划未公开|0.5”",
    )
    methods = forms.MultipleChoiceField(
        label="评价方式", choices=Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="评分说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_ids = forms.CharField(label="查阅的佐证材料编号", required=False, help_text="多个用逗号分隔")
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item=None, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        materials = evidence_materials(campaign, item, self.user) if campaign is not None else None
        self.materials = materials or []  # the page links each one to its material page
        if materials is not None:
            # The evidence app is there: pick the materials looked at instead of typing their numbers.
            self.fields["evidence_ids"] = forms.MultipleChoiceField(
                label="查阅的佐证材料",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (str(m.pk), f"{m.title}（{m.unit.short_name or m.unit.name}，{m.get_status_display()}）")
                    for m in materials
                ],
                help_text="" if materials else "该评分项暂无已上传的佐证材料",
            )
        self.fields["rules"].queryset = item.deductions.all()
        levels = [
            (lvl["level"], f"{lvl['level']}（{lvl['min']}～{lvl['max']}分）") for lvl in item.rubric or []
        ]
        self.fields["rubric_level"].choices = [("", "—")] + levels
        if not levels:
            del self.fields["rubric_level"]
        for name in ("rules", "methods"):
            self.fields[name].widget.attrs.pop("class", None)

    def clean_free_deductions(self):
        return parse_free_deductions(self.cleaned_data.get("free_deductions"))

    def clean_evidence_ids(self):
        value = self.cleaned_data.get("evidence_ids")
        if isinstance(value, list):
            return [int(v) for v in value]
        raw = (value or "").replace("，", ",")
        out = []
        for part in raw.split(","):
            part = part.strip()
            if part:
                if not part.isdigit():
                    raise forms.ValidationError(f"“{part}”不是有效的材料编号")
                out.append(int(part))
        return out


class SurveyForm(VersionedModelForm):
    class Meta:
        model = Assessment
        fields = ["satisfaction", "awareness", "support"]


VETO_CHOICES = [("", "未判定"), ("no", "否（不存在）"), ("yes", "是（存在，一票否决）")]


class ReviewGroupForm(VersionedModelForm):
    class Meta:
        model = ReviewGroup
        fields = ["name", "leader", "members", "items", "note"]
        widgets = {"members": forms.CheckboxSelectMultiple, "items": forms.CheckboxSelectMultiple}

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        experts = User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username")
        self.fields["leader"].queryset = experts
        self.fields["members"].queryset = experts
        self.fields["items"].queryset = ScoringItem.objects.filter(
            indicator__category__framework=assessment.campaign.framework
        ).select_related("indicator")
        for name in ("members", "items"):
            self.fields[name].widget.attrs.pop("class", None)


class ExpertScoreForm(StyledForm):
    points = forms.DecimalField(label="我的评分", min_value=0, decimal_places=2)
    deduction_note = forms.CharField(
        label="扣分理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    methods = forms.MultipleChoiceField(
        label="评价方式", choices=Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methods"].widget.attrs.pop("class", None)  # a checkbox list, not a <select>


class ConfirmForm(StyledForm):
    points = forms.DecimalField(label="本组确认得分", min_value=0, decimal_places=2)
    deduction_text = forms.CharField(
        label="扣分原因", required=False, help_text="将作为扣分记录写入评审（可转为整改问题）"
    )
    note = forms.CharField(label="说明", required=False)


class InterviewForm(VersionedModelForm):
    class Meta:
        model = Interview
        fields = [
            "group",
            "item",
            "interviewee",
            "position",
            "unit",
            "held_on",
            "interviewer",
            "score",
            "max_score",
            "summary",
        ]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = ReviewGroup.objects.filter(assessment=assessment)
        self.fields["item"].queryset = ScoringItem.objects.filter(
            indicator__category__framework=assessment.campaign.framework
        )
        self.fields["unit"].queryset = Unit.objects.filter(
            region__path__startswith=assessment.campaign.region.path
        )


class QuestionForm(forms.ModelForm):
    class Meta:
        model = InterviewQuestion
        fields = ["question", "answer", "points"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            "answer": forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            "points": forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
        }


QuestionFormSet = forms.inlineformset_factory(
    Interview, InterviewQuestion, form=QuestionForm, extra=3, can_delete=True
)
