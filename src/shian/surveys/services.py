"""State changes of surveys: create from a template, quotas, links, answers (public), apply results."""

from __future__ import annotations

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.public import device_fingerprint
from shian.core.services import ConcurrentEditError, check_version, save_versioned
from shian.organisation.choices import RegionLevel, Role
from shian.surveys import answering
from shian.surveys.choices import Access, AgeGroup, CallOutcome, Channel, QuestionKind, SurveyKind
from shian.surveys.figures import _responses as campaign_responses
from shian.surveys.figures import overall_weighted
from shian.surveys.models import (
    AccessCode,
    CallRecord,
    CodeBatch,
    DeviceMark,
    Interviewer,
    Link,
    Question,
    Quota,
    Response,
    Survey,
)
from shian.surveys.templates_data import template_questions, template_title


def can_manage(survey_or_campaign, user) -> bool:
    if isinstance(survey_or_campaign, Survey):
        survey = survey_or_campaign
        if survey.unit_id and policy.acts_for(user, survey.unit):
            return not user.is_read_only
        return policy.manages(user, survey.campaign) and not user.is_read_only
    return policy.manages(user, survey_or_campaign) and not user.is_read_only


def check_manage(target, actor):
    if not can_manage(target, actor):
        raise PermissionDenied("您没有管理该问卷的权限")


@transaction.atomic
def create_survey(campaign, *, actor, kind, title="", unit=None, threshold=None) -> Survey:
    """A survey with the standard questionnaire of its kind (满意度/知晓率/支持率, or the 能问能答 bank)."""
    if kind not in SurveyKind.values:
        raise ValidationError({"kind": "问卷类型无效"})
    if unit is not None:
        if not policy.acts_for(actor, unit) or actor.is_read_only:
            raise PermissionDenied("您不能为该单位组织答题")
        if not unit.region.path.startswith(campaign.region.path):
            raise ValidationError({"unit": f"单位“{unit}”不在创建区划内"})
    else:
        check_manage(campaign, actor)
    default_title, intro = template_title(kind)
    survey = Survey(campaign=campaign, kind=kind, title=title or default_title, intro=intro, unit=unit)
    if threshold is not None:
        survey.threshold = threshold
    elif kind == SurveyKind.QUIZ:
        survey.threshold = Decimal("80")
    survey.full_clean()
    survey.save()
    for seq, (text, options, explanation) in enumerate(template_questions(kind), start=1):
        Question.objects.create(survey=survey, seq=seq, text=text, options=options, explanation=explanation)
    return survey


@transaction.atomic
def set_open(survey: Survey, is_open: bool, *, actor, expected_version) -> Survey:
    check_manage(survey, actor)
    survey.is_open = is_open
    save_versioned(survey, expected_version)
    log_event(survey, "survey_opened" if is_open else "survey_closed")
    return survey


def _check_township(survey, township):
    if township.level != RegionLevel.TOWNSHIP or not township.path.startswith(survey.campaign.region.path):
        raise ValidationError({"township": f"“{township}”不是创建区划内的乡镇（街道）"})


@transaction.atomic
def set_quota(survey: Survey, township, target: int, *, actor) -> Quota:
    check_manage(survey, actor)
    _check_township(survey, township)
    if target is None or int(target) < 1:
        raise ValidationError({"target": f"{township}的目标样本量应为正整数"})
    quota, _ = Quota.objects.update_or_create(
        survey=survey, township=township, defaults={"target": int(target)}
    )
    return quota


@transaction.atomic
def create_link(survey: Survey, *, actor, name="", township=None, unit=None, channel="link") -> Link:
    check_manage(survey, actor)
    if township is not None:
        _check_township(survey, township)
    if unit is not None and not unit.region.path.startswith(survey.campaign.region.path):
        raise ValidationError({"unit": f"单位“{unit}”不在创建区划内"})
    name = name or (f"{township.name}链接" if township else f"{unit.name}答题链接" if unit else "通用链接")
    link = Link(survey=survey, name=name, township=township, unit=unit, channel=channel)
    link.full_clean()
    link.save()
    return link


def quota_full(survey: Survey, township, *, lock=False) -> bool:
    """Is the township's quota (closing when full) reached? With `lock`, the quota row is locked until the
    transaction ends, so two answers cannot both take the last place (one lock per township, not per survey)."""
    if township is None:
        return False
    quotas = Quota.objects.filter(survey=survey, township=township, close_when_full=True).order_by()
    quota = next(iter(quotas.select_for_update() if lock else quotas), None)
    return quota is not None and survey.responses.filter(township=township).count() >= quota.target


score_answers = answering.score_answers


def _spend_code(survey: Survey, code: str) -> None:
    """Marks a one-time code used (one conditional UPDATE, so two submissions cannot both spend it)."""
    code = (code or "").strip().upper().replace(" ", "")
    if not code or len(code) > 16:
        raise ValidationError({"code": "请输入答题码"})
    spent = AccessCode.objects.filter(code=code, used=False, batch__survey=survey).update(used=True)
    if not spent:
        raise ValidationError({"code": "答题码无效或已使用"})


def _store(
    survey, answers, *, township, unit, channel, respondent, age_group, today, questions=None
) -> Response:
    score, clean = score_answers(survey, answers, questions)
    if survey.is_quiz and not (respondent or "").strip():
        raise ValidationError({"respondent": "请填写姓名"})
    if age_group and age_group not in AgeGroup.values:
        raise ValidationError({"age_group": "年龄段无效"})
    return Response.objects.create(
        survey=survey,
        township=township,
        unit=unit,
        channel=channel,
        submitted_on=today or timezone.localdate(),
        form_version=survey.form_version,
        age_group=age_group or "",
        answers=clean,
        score=score,
        positive=score >= survey.threshold,
        respondent=respondent.strip()[:40] if survey.is_quiz else "",
    )


def submit_response(
    link: Link,
    answers: dict,
    *,
    device: str = "",
    code: str = "",
    township=None,
    respondent="",
    age_group="",
    today=None,
    questions=None,
) -> Response:
    """A public answer through `link`. Refused when the survey or link is closed, the device has already
    answered (open surveys) or the code is unknown or spent (closed-access surveys), or the township's
    quota is full. The device mark or the spent code is stored apart from the answer and points to nothing.

    `questions` (the survey's current questions) may be passed by a caller that has them already. This is
    the hot path of the public page: a handful of queries, and a lock only on a township's quota row."""
    survey = link.survey
    township = link.township or township
    if township is not None:
        _check_township(survey, township)
    try:
        with transaction.atomic():
            state = Survey.objects.filter(pk=survey.pk).values(
                "is_open", "access", "threshold", "form_version"
            )
            fresh = next(iter(state.order_by()), None)
            if fresh is None or not fresh["is_open"] or not link.is_active:
                raise ValidationError("该问卷已停止收集")
            for key, value in fresh.items():
                setattr(survey, key, value)
            if quota_full(survey, township, lock=True):
                raise ValidationError({"township": f"{township}的样本已满额，感谢您的参与"})
            if survey.access == Access.CODES:
                _spend_code(survey, code)
            else:
                # No savepoint: a repeated device fails the whole transaction, answer included.
                DeviceMark.objects.create(
                    survey=survey, fingerprint=device_fingerprint(device, f"survey:{survey.pk}")
                )
            return _store(
                survey,
                answers,
                township=township,
                unit=link.unit,
                channel=link.channel,
                respondent=respondent,
                age_group=age_group,
                today=today,
                questions=questions,
            )
    except IntegrityError:
        raise ValidationError("本设备已提交过该问卷，感谢您的参与") from None


# ------------------------------------------------------------------------------ one-time codes

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on a phone
CODE_LENGTH = 8
MAX_BATCH = 5000


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def generate_codes(survey: Survey, size: int, *, actor, name="", township=None) -> CodeBatch:
    """A batch of `size` one-time codes, with a link of its own (for the township, if given). The survey
    becomes closed-access: from now on only a code opens it."""
    check_manage(survey, actor)
    try:
        size = int(size)
    except (TypeError, ValueError):
        size = 0
    if not 1 <= size <= MAX_BATCH:
        raise ValidationError({"size": f"每批答题码数量应在1到{MAX_BATCH}之间"})
    link = create_link(
        survey, actor=actor, township=township, name=f"{name or '答题码'}链接", channel=Channel.LINK
    )
    batch = CodeBatch.objects.create(
        survey=survey, link=link, name=name or f"答题码第{survey.code_batches.count() + 1}批", size=size
    )
    codes: set[str] = set()
    while len(codes) < size:
        fresh = {_new_code() for _ in range(size - len(codes))} - codes
        fresh -= set(AccessCode.objects.filter(code__in=fresh).values_list("code", flat=True))
        codes |= fresh
    # Shuffled: the codes' order says nothing about which card went where.
    ordered = list(codes)
    secrets.SystemRandom().shuffle(ordered)
    AccessCode.objects.bulk_create([AccessCode(batch=batch, code=c) for c in ordered], batch_size=1000)
    if survey.access != Access.CODES:
        survey.access = Access.CODES
        save_versioned(survey, survey.version)
    log_event(survey, "codes_generated", note=f"{batch.name}：{size}个")
    return batch


# ------------------------------------------------------------------------------ interviewers


# Who may enter answers on a respondent's behalf: staff who can write, not leaders, experts or businesses.
INTERVIEWER_ROLES = (Role.ADMIN, Role.OFFICE, Role.UNIT_HEAD, Role.LIAISON)


@transaction.atomic
def assign_interviewer(survey: Survey, user, *, actor, channel=Channel.PHONE, township=None) -> Interviewer:
    check_manage(survey, actor)
    if survey.is_quiz:
        raise ValidationError({"survey": "能问能答不设访问员"})
    if channel not in (Channel.PHONE, Channel.DOOR):
        raise ValidationError({"channel": "访问方式应为电话或入户"})
    if township is not None:
        _check_township(survey, township)
    if not user.is_active:
        raise ValidationError({"user": "该账号已停用"})
    if user.role not in INTERVIEWER_ROLES:
        # an interviewer writes answers: not a read-only account, nor a business's own login
        raise ValidationError({"user": f"“{user}”是{user.get_role_display()}账号，不能担任访问员"})
    from shian.organisation.models import User

    if not User.objects.restrict(actor).filter(pk=user.pk).exists():
        raise ValidationError({"user": f"“{user}”不在您管理的账号范围内"})
    assignment, _ = Interviewer.objects.update_or_create(
        survey=survey, user=user, defaults={"channel": channel, "township": township, "is_active": True}
    )
    return assignment


def assignment_for(survey: Survey, user) -> Interviewer | None:
    return survey.interviewers.filter(user=user, is_active=True).select_related("township").first()


@transaction.atomic
def record_call(
    assignment: Interviewer,
    outcome: str,
    *,
    actor,
    answers=None,
    township=None,
    age_group="",
    today=None,
) -> CallRecord:
    """An interviewer's call or visit. 接通 (answered) needs the full questionnaire, stored as a Response
    of the interviewer's channel; the other outcomes store only the outcome. The call record and the
    response do not point at each other."""
    if assignment.user_id != actor.pk or not assignment.is_active:
        raise PermissionDenied("您不是该问卷的访问员")
    survey = Survey.objects.select_for_update().get(pk=assignment.survey_id)
    if not survey.is_open:
        raise ValidationError("该问卷已停止收集")
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": "请选择访问结果"})
    township = assignment.township or township
    if township is not None:
        _check_township(survey, township)
    if outcome == CallOutcome.ANSWERED:
        if township is None:
            raise ValidationError({"township": "请选择受访者所在的乡镇（街道）"})
        if quota_full(survey, township):
            raise ValidationError({"township": f"{township}的样本已满额"})
        _store(
            survey,
            answers or {},
            township=township,
            unit=None,
            channel=assignment.channel,
            respondent="",
            age_group=age_group,
            today=today,
        )
    return CallRecord.objects.create(
        assignment=assignment, outcome=outcome, called_on=today or timezone.localdate(), township=township
    )


# ------------------------------------------------------------------------------ questions (versioned)
#
# A question row belongs to form versions since_version … until_version. A version that has answers is
# frozen: changing one of its questions retires the row (until = the last version it served) and writes a
# new row from the next version. Only a row that no answered version shares is changed in place. The
# survey row is locked first, so the changes of one survey's questions run one at a time; each change is
# logged on the survey by name (question_added / _edited / _removed, questions_reordered).

QUESTION_FIELDS = (
    "kind",
    "block",
    "text",
    "options",
    "scale_min",
    "scale_max",
    "required",
    "condition",
    "explanation",
)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def _answered_current(survey: Survey) -> bool:
    return survey.responses.filter(form_version=survey.form_version).exists()


def _bump(survey: Survey) -> int:
    """Starts a new form version when the current one has answers; returns the version to write into."""
    if _answered_current(survey):
        survey.form_version += 1
        Survey.objects.filter(pk=survey.pk).update(form_version=survey.form_version)
        log_event(survey, "survey_form_versioned", note=f"第{survey.form_version}版")
    return survey.form_version


def _locked(survey_id: int) -> Survey:
    return Survey.objects.select_for_update().select_related("campaign").get(pk=survey_id)


def _fresh(question: Question, expected_version) -> Question | None:
    """The question as stored now, if still current; a form read at another `expected_version` (or of a
    question since replaced or removed) is refused."""
    fresh = Question.objects.filter(pk=question.pk).first()
    if fresh is None or fresh.until_version is not None:
        if expected_version is not None:
            raise ConcurrentEditError()
        return None
    if expected_version is not None:
        check_version(fresh, expected_version)
    return fresh


def _in_place(question: Question, version: int, old_version: int) -> bool:
    """May the row be changed where it is? Only if no answered version shares it."""
    return version == old_version and question.since_version == version


def _validate(survey, seq, values, exclude=None, current=None):
    current = list(survey.questions.current()) if current is None else current
    earlier = [q for q in current if q.seq < seq and q.pk != exclude]
    answering.check_question(
        survey,
        kind=values.get("kind", QuestionKind.SINGLE),
        text=values.get("text", ""),
        options=values.get("options") or [],
        scale_min=values.get("scale_min", 1),
        scale_max=values.get("scale_max", 5),
        condition=values.get("condition") or {},
        seq=seq,
        earlier=earlier,
    )


def _check_dependents(question: Question, merged: dict, current) -> None:
    """Later questions shown only on some answers to `question` must still find those answers: its kind
    cannot change under them, nor the options (or ratings) they name be removed or moved."""
    for d in current:
        cond = d.condition or {}
        if d.pk == question.pk or cond.get("seq") != question.seq:
            continue
        fix = f"；请先修改第{d.seq}题的显示条件"
        if merged["kind"] != question.kind and not (
            merged["kind"] in CHOICE_KINDS and question.kind in CHOICE_KINDS
        ):
            raise ValidationError({"kind": f"第{d.seq}题的显示条件引用了本题，不能改变题型{fix}"})
        wanted = cond.get("in") or []
        if merged["kind"] == QuestionKind.RATING:
            for v in wanted:
                if not merged["scale_min"] <= v <= merged["scale_max"]:
                    raise ValidationError(
                        {"scale_max": f"第{d.seq}题的显示条件引用了本题的评分{v}，评分范围须包含它{fix}"}
                    )
            continue
        old, new = question.options, merged["options"] or []
        new_labels = [str(o.get("label", "")) for o in new]
        for v in wanted:
            label = str(old[v].get("label", "")) if 0 <= v < len(old) else ""
            if v >= len(new) or (new_labels[v] != label and label in new_labels):
                raise ValidationError(
                    {"options": f"第{d.seq}题的显示条件引用了本题选项“{label}”，不能删除或调整其顺序{fix}"}
                )


def _renumber(survey: Survey, current: list, new_seq: dict, version: int, old_version: int) -> None:
    """Gives the current questions the numbers `new_seq` {id: seq}; the conditions follow the questions
    they read. Rows an answered version shares are retired and copied; the others are renumbered in
    two passes (out of the way first), so the numbers stay unique at every step."""
    by_seq = {q.seq: q for q in current}
    plans = []
    for q in current:
        cond = dict(q.condition or {})
        if cond.get("seq") in by_seq:
            cond["seq"] = new_seq[by_seq[cond["seq"]].pk]
        if new_seq[q.pk] != q.seq or cond != (q.condition or {}):
            plans.append((q, new_seq[q.pk], cond))
    for q, _, _ in plans:
        if _in_place(q, version, old_version):
            Question.objects.filter(pk=q.pk).update(seq=q.seq + 1000)
        else:
            Question.objects.filter(pk=q.pk).update(until_version=version - 1)
    for q, seq, cond in plans:
        if _in_place(q, version, old_version):
            Question.objects.filter(pk=q.pk).update(seq=seq, condition=cond, version=q.version + 1)
        else:
            q.pk, q._state.adding = None, True
            q.seq, q.condition, q.since_version, q.until_version = seq, cond, version, None
            q.version += 1
            q.save()


@transaction.atomic
def add_question(survey: Survey, *, actor, seq=None, **values) -> Question:
    check_manage(survey, actor)
    survey.form_version = _locked(survey.pk).form_version
    values = {k: v for k, v in values.items() if k in QUESTION_FIELDS}
    current = list(survey.questions.current())
    if seq is None:
        seq = (max((q.seq for q in current), default=0)) + 1
    try:
        seq = int(seq)
    except (TypeError, ValueError):
        raise ValidationError({"seq": "题号应为1到500的整数"}) from None
    if not 1 <= seq <= 500:
        raise ValidationError({"seq": "题号应在1到500之间"})
    if any(q.seq == seq for q in current):
        raise ValidationError({"seq": f"第{seq}题已存在"})
    _validate(survey, seq, values, current=current)
    version = _bump(survey)
    question = Question(survey=survey, seq=seq, since_version=version, **values)
    question.full_clean()
    question.save()
    log_event(survey, "question_added", note=f"第{seq}题：{question.text[:80]}（第{version}版）")
    return question


@transaction.atomic
def edit_question(question: Question, *, actor, expected_version=None, **values) -> Question:
    """Changes a current question. If a version with answers shares the row, it is retired at the last
    version it served and a new row takes its place from the current version: old answers keep their
    wording. `expected_version` (the question's `version` when the form was read) refuses a stale form."""
    survey = _locked(question.survey_id)
    check_manage(survey, actor)
    fresh = _fresh(question, expected_version)
    if fresh is None:
        raise ValidationError("该题已停用，不能修改")
    question = fresh
    values = {k: v for k, v in values.items() if k in QUESTION_FIELDS}
    merged = {f: getattr(question, f) for f in QUESTION_FIELDS} | values
    changed = [f for f in QUESTION_FIELDS if merged[f] != getattr(question, f)]
    if not changed:
        return question
    current = list(survey.questions.current())
    _validate(survey, question.seq, merged, exclude=question.pk, current=current)
    _check_dependents(question, merged, current)
    old_version = survey.form_version
    version = _bump(survey)
    if _in_place(question, version, old_version):
        for f, v in values.items():
            setattr(question, f, v)
        question.version += 1
        question.full_clean()
        question.save()
        result = question
    else:
        Question.objects.filter(pk=question.pk).update(until_version=version - 1)
        result = Question(
            survey=survey, seq=question.seq, since_version=version, version=question.version + 1, **merged
        )
        result.full_clean()
        result.save()
    labels = "、".join(str(Question._meta.get_field(f).verbose_name) for f in changed)
    log_event(survey, "question_edited", note=f"第{question.seq}题：修改{labels}（第{version}版）")
    return result


@transaction.atomic
def remove_question(question: Question, *, actor, expected_version=None) -> None:
    """Removes a current question (retired if an answered version shares it); the later questions move
    up one number, so the form has no gaps."""
    survey = _locked(question.survey_id)
    check_manage(survey, actor)
    question = _fresh(question, expected_version)
    if question is None:
        return
    current = list(survey.questions.current())
    if any((q.condition or {}).get("seq") == question.seq for q in current if q.pk != question.pk):
        raise ValidationError({"seq": f"其他题目的显示条件引用了第{question.seq}题，请先修改"})
    rest = [q for q in current if q.pk != question.pk]
    old_version = survey.form_version
    version = _bump(survey)
    if _in_place(question, version, old_version):
        question.delete()
    else:
        Question.objects.filter(pk=question.pk).update(until_version=version - 1)
    _renumber(survey, rest, {q.pk: i for i, q in enumerate(rest, start=1)}, version, old_version)
    log_event(survey, "question_removed", note=f"第{question.seq}题：{question.text[:80]}（第{version}版）")


@transaction.atomic
def reorder_questions(survey: Survey, order, *, actor, expected_order=None) -> None:
    """Numbers the current questions 1…n in `order` (their ids, first to last). A question cannot come
    before the question its condition reads. `expected_order` (the ids in the order the user saw them)
    refuses a stale page."""
    locked = _locked(survey.pk)
    check_manage(locked, actor)
    current = list(locked.questions.current())
    ids = [q.pk for q in current]
    try:
        order = [int(x) for x in order]
        seen = None if expected_order is None else [int(x) for x in expected_order]
    except (TypeError, ValueError):
        raise ValidationError({"order": "题目顺序无效"}) from None
    if seen is not None and seen != ids:
        raise ConcurrentEditError()
    if len(set(order)) != len(order) or set(order) != set(ids):
        raise ValidationError({"order": "题目顺序须列出全部现行题目，每题一次"})
    new_seq = {pk: i for i, pk in enumerate(order, start=1)}
    if all(new_seq[q.pk] == q.seq for q in current):
        return
    by_seq = {q.seq: q for q in current}
    for q in current:
        target = by_seq.get((q.condition or {}).get("seq"))
        if target is not None and new_seq[target.pk] >= new_seq[q.pk]:
            raise ValidationError(
                {"order": f"第{q.seq}题的显示条件引用了第{target.seq}题，不能排到第{target.seq}题前面"}
            )
    moved = "、".join(
        f"原第{s}题→第{new_seq[q.pk]}题" for s, q in sorted(by_seq.items()) if new_seq[q.pk] != s
    )
    old_version = locked.form_version
    version = _bump(locked)
    _renumber(locked, current, new_seq, version, old_version)
    survey.form_version = version
    log_event(locked, "questions_reordered", note=f"调整顺序：{moved}（第{version}版）"[:300])


@transaction.atomic
def edit_survey(survey: Survey, *, actor, expected_version, **values) -> Survey:
    check_manage(survey, actor)
    for key in ("title", "intro", "threshold", "access"):
        if key in values:
            setattr(survey, key, values[key])
    survey.full_clean()
    save_versioned(survey, expected_version)
    return survey


def apply_to_assessment(survey: Survey, assessment, *, actor, expected_version, start=None, end=None):
    """Writes the survey's overall rate into the assessment's 满意度/知晓率/支持率 (scoring's service)."""
    from shian.scoring.services import update_survey

    if survey.kind not in ("satisfaction", "awareness", "support"):
        raise ValidationError({"kind": "能问能答测试不计入评审测评结果"})
    if assessment.campaign_id != survey.campaign_id:
        raise ValidationError({"assessment": "评审与问卷不属于同一创建项目"})
    # The weighted rate (by township population) over all the campaign's surveys of the kind.
    rate = overall_weighted(campaign_responses(survey.campaign, survey.kind, start, end))
    if not rate.n:
        raise ValidationError("尚无答卷，无法写入评审")
    value = Decimal(str(rate.rate)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    result = update_survey(assessment, actor=actor, expected_version=expected_version, **{survey.kind: value})
    log_event(
        survey,
        "survey_applied",
        note=f"{assessment}：{survey.get_kind_display()} {value:.2%}（按人口加权，样本{rate.n}）",
    )
    return result
