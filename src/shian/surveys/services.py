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
from shian.core.services import save_versioned
from shian.organisation.choices import RegionLevel
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


def _answered_current(survey: Survey) -> bool:
    return survey.responses.filter(form_version=survey.form_version).exists()


def _bump(survey: Survey) -> int:
    """Starts a new form version when the current one has answers; returns the version to write into."""
    if _answered_current(survey):
        survey.form_version += 1
        Survey.objects.filter(pk=survey.pk).update(form_version=survey.form_version)
        log_event(survey, "survey_form_versioned", note=f"第{survey.form_version}版")
    return survey.form_version


def _validate(survey, seq, values, exclude=None):
    earlier = [q for q in survey.questions.current() if q.seq < seq and q.pk != exclude]
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


@transaction.atomic
def add_question(survey: Survey, *, actor, seq=None, **values) -> Question:
    check_manage(survey, actor)
    values = {k: v for k, v in values.items() if k in QUESTION_FIELDS}
    current = survey.questions.current()
    if seq is None:
        seq = (max((q.seq for q in current), default=0)) + 1
    if not 1 <= int(seq) <= 500:
        raise ValidationError({"seq": "题号应在1到500之间"})
    if current.filter(seq=seq).exists():
        raise ValidationError({"seq": f"第{seq}题已存在"})
    _validate(survey, int(seq), values)
    version = _bump(survey)
    question = Question(survey=survey, seq=int(seq), since_version=version, **values)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def edit_question(question: Question, *, actor, **values) -> Question:
    """Changes a current question. If the current form version has answers, the question is retired at
    that version and a new one takes its place from the next version: old answers keep their wording."""
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    check_manage(survey, actor)
    if question.until_version is not None:
        raise ValidationError("该题已停用，不能修改")
    values = {k: v for k, v in values.items() if k in QUESTION_FIELDS}
    merged = {f: getattr(question, f) for f in QUESTION_FIELDS} | values
    if all(merged[f] == getattr(question, f) for f in QUESTION_FIELDS):
        return question
    _validate(survey, question.seq, merged, exclude=question.pk)
    old_version = survey.form_version
    version = _bump(survey)
    if version == old_version:  # nobody answered this version yet: edit in place
        for f, v in values.items():
            setattr(question, f, v)
        question.full_clean()
        question.save()
        return question
    Question.objects.filter(pk=question.pk).update(until_version=old_version)
    fresh = Question(survey=survey, seq=question.seq, since_version=version, **merged)
    fresh.full_clean()
    fresh.save()
    return fresh


@transaction.atomic
def remove_question(question: Question, *, actor) -> None:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    check_manage(survey, actor)
    if question.until_version is not None:
        return
    if survey.questions.current().filter(condition__seq=question.seq).exists():
        raise ValidationError({"seq": f"其他题目的显示条件引用了第{question.seq}题，请先修改"})
    old_version = survey.form_version
    if _bump(survey) == old_version:
        question.delete()
    else:
        Question.objects.filter(pk=question.pk).update(until_version=old_version)


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
