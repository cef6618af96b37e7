import json

from django import forms

from shian.core.forms import StyledForm, VersionedModelForm
from shian.core.uploads import GatedFileField
from shian.supervision.choices import LedgerKind
from shian.supervision.models import ImportMapping, IndicatorDefinition


class PrettyJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=1)


class IndicatorForm(VersionedModelForm):
    numerator = PrettyJSONField(
        label="分子（数据来源）",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='如 {"source": "sampling", "agg": "count", "filters": {"task_type": "评价性抽检"}}',
    )
    denominator = PrettyJSONField(
        label="分母（数据来源）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='比率、完成年度目标比例时填写，如 {"source": "metric", "metric": "mclz_total"}',
    )

    class Meta:
        model = IndicatorDefinition
        fields = [
            "code",
            "name",
            "description",
            "formula",
            "numerator",
            "denominator",
            "scale",
            "annualise",
            "value_unit",
            "period_kind",
            "target",
            "comparison",
            "scoring_item",
            "points_at_stake",
            "seq",
            "is_active",
        ]

    def clean_denominator(self):
        return self.cleaned_data.get("denominator") or {}


class LedgerImportForm(StyledForm):
    ledger = forms.ChoiceField(label="台账", choices=LedgerKind.choices)
    file = GatedFileField(
        use="import", label="文件", help_text="xlsx、xls 或 csv（UTF-8、GBK 均可）；有任何错误时整批不导入"
    )
    mapping = forms.ChoiceField(label="列对应", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = ImportMapping.objects.order_by("name").values_list("name", flat=True).distinct()
        self.fields["mapping"].choices = [("", "按表头自动识别")] + [(n, n) for n in names]
        self._style()


class MetricWorkbookForm(StyledForm):
    file = GatedFileField(label="已填写的模板工作簿（.xlsx）", use="import")
