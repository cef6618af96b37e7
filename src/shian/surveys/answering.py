"""Reading and scoring one set of answers against a form version: the question kinds and skip logic.

Pure functions over Question rows (no writes), used by the public page, the interviewer page and the
demo. An answer is keyed by the question's `seq` as a string:

* single choice: the option index; multiple choice: a list of indexes; rating: an integer in the scale;
  text: a string (≤ 500 characters, never scored).
* A question whose `condition` {"seq": n, "in": [...]} is not met by the answer to earlier question n is
  skipped: not required, not stored, not scored.

The score (0–100) is the mean over the answered scored questions: a single choice scores its option; a
multiple choice scores the sum of its options' scores (capped at 100), or in a quiz 100 when exactly the
right options are chosen; a rating scores its position on the scale.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from shian.surveys.choices import QuestionKind

TEXT_MAX = 500


def _matches(condition: dict, clean: dict) -> bool:
    if not condition:
        return True
    picked = clean.get(str(condition.get("seq")))
    wanted = set(condition.get("in") or [])
    if picked is None:
        return False
    if isinstance(picked, list):
        return bool(wanted.intersection(picked))
    return picked in wanted


def visible(question, clean: dict) -> bool:
    """Is `question` shown, given the answers so far?"""
    return _matches(question.condition or {}, clean)


def _read(q, raw):
    """The clean answer to `q` from the raw form/API value, or None when empty; ValidationError if bad."""
    bad = ValidationError({f"q{q.seq}": f"第{q.seq}题的答案无效"})
    if q.kind == QuestionKind.TEXT:
        text = ("" if raw is None else str(raw)).strip()
        if len(text) > TEXT_MAX:
            raise ValidationError({f"q{q.seq}": f"第{q.seq}题请在{TEXT_MAX}字以内作答"})
        return text or None
    if q.kind == QuestionKind.MULTIPLE:
        values = raw if isinstance(raw, list | tuple) else ([] if raw in (None, "") else [raw])
        try:
            picked = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise bad from None
        if any(not 0 <= i < len(q.options) for i in picked):
            raise ValidationError({f"q{q.seq}": f"第{q.seq}题的选项无效"})
        return picked or None
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise bad from None
    if q.kind == QuestionKind.RATING:
        if not q.scale_min <= value <= q.scale_max:
            raise ValidationError({f"q{q.seq}": f"第{q.seq}题请在{q.scale_min}到{q.scale_max}之间评分"})
        return value
    if not 0 <= value < len(q.options):
        raise ValidationError({f"q{q.seq}": f"第{q.seq}题的选项无效"})
    return value


def _points(q, answer, is_quiz: bool) -> Decimal | None:
    if not q.is_scored:
        return None
    if q.kind == QuestionKind.RATING:
        span = q.scale_max - q.scale_min
        return Decimal(100) * (answer - q.scale_min) / span if span else Decimal(100)
    if q.kind == QuestionKind.MULTIPLE:
        if is_quiz or any(o.get("correct") for o in q.options):
            right = {i for i, o in enumerate(q.options) if o.get("correct")}
            return Decimal(100 if set(answer) == right else 0)
        return min(Decimal(100), sum(Decimal(str(q.options[i].get("score", 0))) for i in answer))
    option = q.options[answer]
    if "score" in option:
        return Decimal(str(option["score"]))
    return Decimal(100 if option.get("correct") else 0)


def score_answers(survey, answers: dict, questions=None) -> tuple[Decimal, dict]:
    """(score 0–100, clean answers) of raw answers {seq: value} against the survey's current questions
    (or `questions`). Required visible questions must be answered; the error names the question."""
    questions = list(survey.questions.current() if questions is None else questions)
    if not questions:
        raise ValidationError("问卷没有题目")
    clean: dict = {}
    points: list[Decimal] = []
    for q in sorted(questions, key=lambda q: q.seq):
        if not visible(q, clean):
            continue
        raw = answers.get(str(q.seq), answers.get(q.seq))
        value = _read(q, raw)
        if value is None:
            if q.required:
                raise ValidationError({f"q{q.seq}": f"请回答第{q.seq}题"})
            continue
        clean[str(q.seq)] = value
        p = _points(q, value, survey.is_quiz)
        if p is not None:
            points.append(p)
    score = (sum(points) / len(points)) if points else Decimal(0)
    return Decimal(score).quantize(Decimal("0.01"), ROUND_HALF_UP), clean


def right_answer(q):
    """The option indexes marked correct (quiz), [] when none."""
    return [i for i, o in enumerate(q.options) if o.get("correct")]


def is_right(q, answer) -> bool | None:
    """Quiz: was `answer` right? None when the question has no key."""
    right = right_answer(q)
    if not right:
        return None
    if isinstance(answer, list):
        return sorted(answer) == right
    return answer in right if q.kind == QuestionKind.SINGLE else None


def check_question(survey, *, kind, text, options, scale_min, scale_max, condition, seq, earlier) -> None:
    """Validates a question's definition (Chinese messages naming the field)."""
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "题型无效"})
    if not (text or "").strip():
        raise ValidationError({"text": "请填写题目"})
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if not isinstance(options, list) or len(options) < 2:
            raise ValidationError({"options": "选择题至少需要两个选项"})
        for o in options:
            if not isinstance(o, dict) or not str(o.get("label", "")).strip():
                raise ValidationError({"options": "每个选项须有名称（label）"})
            if "score" in o:
                try:
                    score = Decimal(str(o["score"]))
                    in_range = score.is_finite() and 0 <= score <= 100
                except ArithmeticError:
                    in_range = False
                if not in_range or isinstance(o["score"], bool):
                    raise ValidationError({"options": "选项分值须为0到100的数"})
        if survey.is_quiz and not any(o.get("correct") for o in options):
            raise ValidationError({"options": "能问能答的选择题须标出正确答案（correct）"})
    if kind == QuestionKind.RATING and not (0 <= scale_min < scale_max <= 10):
        raise ValidationError({"scale_max": "评分范围须在0到10之间，且下限小于上限"})
    if condition:
        if not isinstance(condition, dict) or set(condition) - {"seq", "in"}:
            raise ValidationError({"condition": '显示条件格式为 {"seq": 题号, "in": [选项序号…]}'})
        target = next((q for q in earlier if q.seq == condition.get("seq")), None)
        if target is None or target.seq >= seq:
            raise ValidationError({"condition": "显示条件只能引用前面的题目"})
        values = condition.get("in")
        if not isinstance(values, list) or not values or not all(isinstance(v, int) for v in values):
            raise ValidationError({"condition": "显示条件须列出至少一个选项序号"})
        if target.kind == QuestionKind.TEXT:
            raise ValidationError({"condition": "显示条件不能引用文字题"})
        if target.kind == QuestionKind.RATING:
            bad = [v for v in values if not target.scale_min <= v <= target.scale_max]
            if bad:
                raise ValidationError(
                    {
                        "condition": f"显示条件的评分{bad[0]}不在第{target.seq}题的评分范围"
                        f"{target.scale_min}到{target.scale_max}内"
                    }
                )
        else:
            bad = [v for v in values if not 0 <= v < len(target.options)]
            if bad:
                raise ValidationError(
                    {"condition": f"显示条件引用的第{target.seq}题没有第{bad[0] + 1}个选项"}
                )
