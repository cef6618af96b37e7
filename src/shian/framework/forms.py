import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from shian.core.forms import DateInput, StyledForm, StyledFormMixin, VersionedModelForm
from shian.core.uploads import GatedFileField
from shian.framework.choices import Method
from shian.framework.models import (
    Category,
    DeductionRule,
    Framework,
    Gate,
    Indicator,
    MaterialRequirement,
    ScoringItem,
)
from shian.framework.treedata import dec_text, plain_number
from shian.organisation.models import Region, Unit


def regions_for(user):
    """Regions a user may own frameworks for: their subtree (administrators: all)."""
    qs = Region.objects.order_by("path")
    if user is None or user.is_admin:
        return qs
    scope = user.region_scope
    return qs.filter(path__startswith=scope.path) if scope is not None else qs.none()


def units_for(framework):
    qs = Unit.objects.filter(is_active=True).select_related("region").order_by("kind", "sort_order", "name")
    if framework.owner_region_id is None:
        return qs.none()
    return qs.filter(region__path__startswith=framework.owner_region.path)


class FrameworkForm(VersionedModelForm):
    class Meta:
        model = Framework
        fields = [
            "name",
            "version_label",
            "issuer",
            "owner_region",
            "pass_line",
            "key_item_min_share",
            "default_step",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_region"].queryset = regions_for(self.user)
        if self.user is not None and not self.user.is_admin:
            self.fields["owner_region"].required = True
            self.fields["owner_region"].empty_label = None


class CategoryForm(VersionedModelForm):
    class Meta:
        model = Category
        fields = ["seq", "code", "name", "kind", "points", "cap"]


class IndicatorForm(VersionedModelForm):
    class Meta:
        model = Indicator
        fields = ["seq", "code", "name", "description"]


def rubric_text(rubric) -> str:
    return "；".join(
        f"{r['level']}：{dec_text(r['min'])}" + (f"～{dec_text(r['max'])}" if r["max"] != r["min"] else "")
        for r in rubric or []
    )


def parse_rubric(text: str) -> list[dict]:
    out = []
    for part in re.split(r"[；;\n]+", text or ""):
        if not part.strip():
            continue
        m = re.fullmatch(
            r"\s*(.+?)\s*[：:]\s*(\d+(?:\.\d+)?)\s*(?:[-~～—至]\s*(\d+(?:\.\d+)?))?\s*分?\s*", part
        )
        if not m:
            raise ValidationError(f"“{part.strip()}”格式不正确，应为“等级：最低分～最高分”，如“好：4～5”")
        lo = Decimal(m.group(2))
        hi = Decimal(m.group(3)) if m.group(3) else lo
        out.append({"level": m.group(1), "min": plain_number(lo), "max": plain_number(hi)})
    return out


class ScoringItemForm(VersionedModelForm):
    methods = forms.MultipleChoiceField(
        label="评价方式", choices=Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    rubric_text = forms.CharField(
        label="等级评分",
        required=False,
        help_text="如“好：4～5；合格：2～3.5；不合格：0～1.5”，不用等级评分时留空",
    )
    lead = forms.ModelMultipleChoiceField(
        label="牵头单位", queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    coop = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ScoringItem
        fields = [
            "seq",
            "code",
            "content",
            "points",
            "step",
            "methods",
            "scoring_rule",
            "is_key",
            "key_min_share",
            "deadline",
            "deadline_text",
            "unmatched_units",
            "unmatched_coop_units",
        ]
        widgets = {"deadline": DateInput()}

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(framework)
        self.fields["lead"].queryset = units
        self.fields["coop"].queryset = units
        for name in ("methods", "lead", "coop"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        if self.instance.pk and not self.is_bound:
            self.initial["rubric_text"] = rubric_text(self.instance.rubric)
            self.initial["lead"] = [u.pk for u in self.instance.lead_units()]
            self.initial["coop"] = [u.pk for u in self.instance.coop_units()]

    def clean_rubric_text(self):
        return parse_rubric(self.cleaned_data.get("rubric_text"))

    def clean(self):
        data = super().clean()
        lead, coop = set(data.get("lead") or []), set(data.get("coop") or [])
        both = lead & coop
        if both:
            self.add_error("coop", f"“{'、'.join(str(u) for u in both)}”不能同时是牵头单位和配合单位")
        self.instance.rubric = data.get("rubric_text") or []
        return data


class DeductionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DeductionRule
        fields = ["description", "points", "per_occurrence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class MaterialForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = MaterialRequirement
        fields = ["name", "description", "provider", "period", "period_years"]
        widgets = {"description": forms.TextInput()}

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = units_for(framework) if framework else Unit.objects.none()
        self._style()


class GateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Gate
        fields = ["kind", "name", "metric", "threshold", "description"]
        widgets = {"description": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


DeductionFormSet = forms.inlineformset_factory(
    ScoringItem, DeductionRule, form=DeductionForm, extra=1, can_delete=True
)
MaterialFormSet = forms.inlineformset_factory(
    ScoringItem, MaterialRequirement, form=MaterialForm, extra=1, can_delete=True
)
GateFormSet = forms.inlineformset_factory(Framework, Gate, form=GateForm, extra=2, can_delete=True)


class ImportForm(StyledForm):
    file = GatedFileField(
        use="framework_import",
        label="文件",
        help_text="支持 .xlsx、.xls（WPS/Excel）和 .yaml；首行可为标题行",
    )
    owner_region = forms.ModelChoiceField(
        label="所属区划",
        queryset=Region.objects.none(),
        required=False,
        help_text="单位名称在该区划内匹配；细则归该区划的创建办维护",
    )
    name = forms.CharField(label="细则名称", max_length=200, required=False, help_text="不填时取文件中的标题")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_region"].queryset = regions_for(self.user)
        if self.user is not None and not self.user.is_admin:
            self.fields["owner_region"].required = True
            self.fields["owner_region"].empty_label = None
            self.fields["owner_region"].initial = self.user.region_scope
        else:
            self.fields["owner_region"].empty_label = "（全局通用）"

    def clean_file(self):
        f = self.cleaned_data["file"]
        ext = ("." + f.name.rsplit(".", 1)[-1].lower()) if "." in f.name else ""
        if ext not in (".xlsx", ".xlsm", ".xls", ".et", ".csv", ".yaml", ".yml"):
            raise ValidationError("请上传 .xlsx、.xls 或 .yaml 文件")
        if f.size > 20 * 1024 * 1024:
            raise ValidationError("文件不能超过20MB")
        return f
