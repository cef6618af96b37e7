from decimal import Decimal

from django import forms

from shian.surveys.choices import Channel, QuestionKind, SurveyKind


class NewSurveyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=SurveyKind.choices)
    title = forms.CharField(label="名称", max_length=120, required=False, help_text="留空则使用标准问卷名称")


class QuotaForm(forms.Form):
    township = forms.IntegerField(label="乡镇（街道）", widget=forms.Select)
    target = forms.IntegerField(label="目标样本量", min_value=1, max_value=100000)


class LinkForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, required=False)
    township = forms.IntegerField(label="乡镇（街道）", required=False)
    unit = forms.IntegerField(label="答题单位", required=False)
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial=Channel.LINK)


# ------------------------------------------------------------------------------ the question editor

# The service errors' field names, as the editor names them to the user.
FIELD_LABELS = {
    "kind": "题型",
    "block": "分组",
    "text": "题目",
    "options": "选项",
    "scale_min": "评分下限",
    "scale_max": "评分范围",
    "condition": "显示条件",
    "explanation": "解析",
    "seq": "题号",
    "order": "题目顺序",
    "version": "版本",
}
BLANK_OPTION_ROWS = 2  # empty rows under the options, for adding


class QuestionForm(forms.Form):
    """One question in the editor. Options come as parallel rows (opt_label / opt_score / opt_order, with
    opt_correct and opt_delete holding row numbers); the condition as a question (cond_seq) and the
    answers ticked under it (cond_in_<seq>). The form only reads the rows; the rules are the services'."""

    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices)
    block = forms.CharField(label="分组", max_length=60, required=False)
    text = forms.CharField(label="题目", max_length=300, error_messages={"required": "请填写题目"})
    required = forms.BooleanField(label="必答", required=False)
    scale_min = forms.IntegerField(label="评分下限", min_value=0, max_value=10, required=False)
    scale_max = forms.IntegerField(label="评分上限", min_value=0, max_value=10, required=False)
    explanation = forms.CharField(label="解析", max_length=300, required=False)
    cond_seq = forms.IntegerField(label="显示条件", required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, survey, earlier, question=None, **kwargs):
        self.survey, self.question = survey, question
        # The questions a condition may read: the earlier ones that are not free text.
        self.earlier = [q for q in earlier if q.kind != QuestionKind.TEXT]
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f: getattr(question, f) for f in ("kind", "block", "text", "required", "explanation")},
                "scale_min": question.scale_min,
                "scale_max": question.scale_max,
                "cond_seq": (question.condition or {}).get("seq"),
                "version": question.version,
            }
        kwargs.setdefault(
            "initial", {"kind": QuestionKind.SINGLE, "required": True, "scale_min": 1, "scale_max": 5}
        )
        super().__init__(*args, **kwargs)

    # -------------------------------------------------------------- rows for the template

    def option_rows(self) -> list[dict]:
        if self.is_bound:
            d = self.data
            labels, scores, orders = d.getlist("opt_label"), d.getlist("opt_score"), d.getlist("opt_order")
            correct, deleted = set(d.getlist("opt_correct")), set(d.getlist("opt_delete"))
            rows = [
                {
                    "label": label,
                    "score": scores[i] if i < len(scores) else "",
                    "order": orders[i] if i < len(orders) else "",
                    "correct": str(i) in correct,
                    "delete": str(i) in deleted,
                }
                for i, label in enumerate(labels[:64])
            ]
        else:
            options = self.question.options if self.question is not None else []
            rows = [
                {
                    "label": o.get("label", ""),
                    "score": "" if o.get("score") is None else o["score"],
                    "order": i + 1,
                    "correct": bool(o.get("correct")),
                    "delete": False,
                }
                for i, o in enumerate(options)
            ]
            rows += [
                {"label": "", "score": "", "order": "", "correct": False, "delete": False}
                for _ in range(BLANK_OPTION_ROWS if options else 4)
            ]
        for i, row in enumerate(rows):
            row["index"] = i
        return rows

    def condition_choices(self) -> list[dict]:
        """Each earlier question with the answers a condition can name, ticked as the condition has them."""
        if self.is_bound:
            chosen_seq = self.data.get("cond_seq", "")
            ticked = {str(q.seq): set(self.data.getlist(f"cond_in_{q.seq}")) for q in self.earlier}
        else:
            cond = (self.question.condition if self.question is not None else None) or {}
            chosen_seq = str(cond.get("seq", ""))
            ticked = {chosen_seq: {str(v) for v in cond.get("in") or []}}
        out = []
        for q in self.earlier:
            if q.kind == QuestionKind.RATING:
                values = [(v, f"{v}分") for v in q.rating_values]
            else:
                values = [(i, o.get("label", "")) for i, o in enumerate(q.options)]
            marks = ticked.get(str(q.seq), set())
            out.append(
                {
                    "q": q,
                    "selected": chosen_seq == str(q.seq),
                    "values": [
                        {"value": v, "label": label, "checked": str(v) in marks} for v, label in values
                    ],
                }
            )
        return out

    # -------------------------------------------------------------- reading

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data["kind"]
        data["options"] = self._options() if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else []
        if kind == QuestionKind.RATING:
            data["scale_min"] = 1 if data.get("scale_min") is None else data["scale_min"]
            data["scale_max"] = 5 if data.get("scale_max") is None else data["scale_max"]
        else:
            data.pop("scale_min", None)
            data.pop("scale_max", None)
        seq = data.pop("cond_seq", None)
        if seq:
            values = []
            for raw in self.data.getlist(f"cond_in_{seq}")[:64]:
                try:
                    values.append(int(raw))
                except ValueError:
                    raise forms.ValidationError("显示条件：所选答案无效") from None
            if not values:
                raise forms.ValidationError(f"显示条件：请勾选第{seq}题的哪些答案显示本题")
            data["condition"] = {"seq": seq, "in": sorted(set(values))}
        else:
            data["condition"] = {}
        if not self.survey.is_quiz:
            data.pop("explanation", None)
        return data

    def _options(self) -> list[dict]:
        rows = []
        for i, row in enumerate(self.option_rows(), start=1):
            label = row["label"].strip()
            if row["delete"] or not label:
                continue
            if len(label) > 100:
                raise forms.ValidationError(f"选项：第{i}个选项的名称请在100字以内")
            option: dict = {"label": label}
            score = str(row["score"]).strip()
            if self.survey.is_quiz:
                # The answer key: a right option scores 100, the others 0 (as the bank is written).
                option.update(score=100 if row["correct"] else 0, correct=row["correct"])
            elif score:
                try:
                    value = Decimal(score)
                except ArithmeticError:
                    raise forms.ValidationError(f"选项：第{i}个选项的分值须为0到100的数") from None
                if not value.is_finite():
                    raise forms.ValidationError(f"选项：第{i}个选项的分值须为0到100的数")
                option["score"] = int(value) if value == value.to_integral_value() else float(value)
            order = str(row["order"]).strip()
            try:
                position = int(order) if order else 1000 + i
            except ValueError:
                raise forms.ValidationError(f"选项：第{i}个选项的顺序须为整数") from None
            rows.append((position, i, option))
        return [o for _, _, o in sorted(rows, key=lambda r: (r[0], r[1]))]

    def values(self) -> dict:
        """The cleaned values as the services take them."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "cond_seq")}

    def add_service_error(self, exc) -> None:
        """A service's ValidationError on the form: under its field, or at the top naming the field."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, "；".join(exc.messages))
            return
        for field, messages in exc.message_dict.items():
            if field in self.fields and field not in ("version", "cond_seq"):
                self.add_error(field, messages)
            else:
                label = FIELD_LABELS.get(field, "")
                self.add_error(None, [f"{label}：{m}" if label else m for m in messages])
