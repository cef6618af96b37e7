"""The scheme edit form: the scheme's own fields plus, per registered signal, its weight,
normalisation and target (stored as the scheme's `weights`, `normalisation`, `targets`)."""

from decimal import Decimal, InvalidOperation

from django import forms

from shian.core.forms import VersionedModelForm
from shian.rankings.choices import Normalisation
from shian.rankings.models import RankingScheme
from shian.rankings.signals import all_signals


class SchemeForm(VersionedModelForm):
    class Meta:
        model = RankingScheme
        fields = [
            "name",
            "subject_kind",
            "period_kind",
            "list_rule",
            "red_count",
            "black_count",
            "red_threshold",
            "black_threshold",
            "veto_demotes",
            "interview_after",
            "appeal_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        scheme = self.instance
        self.signal_rows = []
        for s in all_signals():
            if s.key.startswith("test_"):
                continue
            self.signal_rows.append(
                {
                    "key": s.key,
                    "label": s.label,
                    "unit_kind": s.unit_kind,
                    "weight": (data.get(f"w_{s.key}") if data is not None else scheme.weights.get(s.key, "")),
                    "method": (
                        data.get(f"n_{s.key}") if data is not None else scheme.normalisation.get(s.key, "raw")
                    ),
                    "target": (data.get(f"t_{s.key}") if data is not None else scheme.targets.get(s.key, "")),
                }
            )
        self.methods = Normalisation.choices

    def clean(self):
        data = super().clean()
        weights, norm, targets = {}, {}, {}
        kind = data.get("subject_kind")
        for row in self.signal_rows:
            key, w = row["key"], str(row["weight"] or "").strip()
            if not w:
                continue
            try:
                weight = Decimal(w)
                target = Decimal(str(row["target"])) if str(row["target"] or "").strip() else None
            except InvalidOperation:
                raise forms.ValidationError(f"“{row['label']}”的权重或目标值不是数字") from None
            if weight <= 0:
                raise forms.ValidationError(f"“{row['label']}”的权重应大于0")
            if row["unit_kind"] not in ("any", kind):
                raise forms.ValidationError(f"“{row['label']}”不适用于所选排名对象")
            weights[key] = float(weight)
            if row["method"] and row["method"] != Normalisation.RAW:
                if row["method"] not in Normalisation.values:
                    raise forms.ValidationError(f"“{row['label']}”的标准化方法无效")
                norm[key] = row["method"]
            if target is not None:
                targets[key] = float(target)
            if row["method"] == Normalisation.TARGET and target is None:
                raise forms.ValidationError(f"“{row['label']}”按目标值标准化，请填写目标值")
        if not weights:
            raise forms.ValidationError("请至少为一个指标设定权重")
        if (
            data.get("list_rule") == "threshold"
            and data.get("red_threshold") is None
            and data.get("black_threshold") is None
        ):
            raise forms.ValidationError("按分数线评定红黑榜时，请填写红榜或黑榜分数线")
        self.instance.weights, self.instance.normalisation, self.instance.targets = weights, norm, targets
        return data
