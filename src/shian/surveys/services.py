"""State changes of surveys: create from a template, quotas, links, answers (public), apply results."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.public import device_fingerprint
from shian.core.services import save_versioned
from shian.organisation.choices import RegionLevel
from shian.surveys.choices import SurveyKind
from shian.surveys.figures import overall_rate
from shian.surveys.models import DeviceMark, Link, Question, Quota, Response, Survey
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


def quota_full(survey: Survey, township) -> bool:
    if township is None:
        return False
    quota = survey.quotas.filter(township=township, close_when_full=True).first()
    return quota is not None and survey.responses.filter(township=township).count() >= quota.target


def score_answers(survey: Survey, answers: dict) -> tuple[Decimal, dict]:
    """The score (0–100, mean of the chosen options) of answers {seq: option index}; every question
    must be answered. Raises ValidationError naming the question."""
    questions = list(survey.questions.all())
    clean, total = {}, Decimal(0)
    for q in questions:
        raw = answers.get(str(q.seq), answers.get(q.seq))
        try:
            index = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({f"q{q.seq}": f"请回答第{q.seq}题"}) from None
        if not 0 <= index < len(q.options):
            raise ValidationError({f"q{q.seq}": f"第{q.seq}题的选项无效"})
        clean[str(q.seq)] = index
        total += Decimal(str(q.options[index].get("score", 0)))
    if not questions:
        raise ValidationError("问卷没有题目")
    score = (total / len(questions)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return score, clean


@transaction.atomic
def submit_response(
    link: Link, answers: dict, *, device: str, township=None, respondent="", today=None
) -> Response:
    """A public answer through `link`. Refused when the survey or link is closed, the device has already
    answered, or the township's quota is full. The device mark is stored apart from the answer."""
    survey = Survey.objects.select_for_update().get(pk=link.survey_id)
    if not survey.is_open or not link.is_active:
        raise ValidationError("该问卷已停止收集")
    township = link.township or township
    if township is not None:
        _check_township(survey, township)
    if quota_full(survey, township):
        raise ValidationError({"township": f"{township}的样本已满额，感谢您的参与"})
    score, clean = score_answers(survey, answers)
    if survey.is_quiz and not respondent.strip():
        raise ValidationError({"respondent": "请填写姓名"})
    try:
        with transaction.atomic():
            DeviceMark.objects.create(
                survey=survey, fingerprint=device_fingerprint(device, f"survey:{survey.pk}")
            )
    except IntegrityError:
        raise ValidationError("本设备已提交过该问卷，感谢您的参与") from None
    return Response.objects.create(
        survey=survey,
        township=township,
        unit=link.unit,
        channel=link.channel,
        submitted_on=today or timezone.localdate(),
        answers=clean,
        score=score,
        positive=score >= survey.threshold,
        respondent=respondent.strip()[:40] if survey.is_quiz else "",
    )


def apply_to_assessment(survey: Survey, assessment, *, actor, expected_version, start=None, end=None):
    """Writes the survey's overall rate into the assessment's 满意度/知晓率/支持率 (scoring's service)."""
    from shian.scoring.services import update_survey

    if survey.kind not in ("satisfaction", "awareness", "support"):
        raise ValidationError({"kind": "能问能答测试不计入评审测评结果"})
    if assessment.campaign_id != survey.campaign_id:
        raise ValidationError({"assessment": "评审与问卷不属于同一创建项目"})
    rate = overall_rate(survey.campaign, survey.kind, start, end)
    if not rate.n:
        raise ValidationError("尚无答卷，无法写入评审")
    value = Decimal(str(rate.rate)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    result = update_survey(assessment, actor=actor, expected_version=expected_version, **{survey.kind: value})
    log_event(
        survey,
        "survey_applied",
        note=f"{assessment}：{survey.get_kind_display()} {value:.2%}（样本{rate.n}）",
    )
    return result
