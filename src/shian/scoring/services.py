"""Scoring rules: create and lock assessments, score items with deductions, review groups, experts.

Every function checks permission and preconditions, raises ValidationError (Chinese, naming the
field) or PermissionDenied, and writes inside a transaction; audit entries are automatic.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.services import check_version, save_versioned
from shian.evidence.models import Material
from shian.framework.choices import CategoryKind, GateKind, Method
from shian.organisation.choices import Role
from shian.scoring import engine, hooks
from shian.scoring.choices import AssessmentKind, AssessmentStatus
from shian.scoring.models import (
    Assessment,
    Deduction,
    ExpertScore,
    Interview,
    ItemScore,
    ReviewGroup,
    VetoAnswer,
)

# ------------------------------------------------------------------------------ permissions


def can_manage(campaign, user) -> bool:
    return policy.manages(user, campaign)


def check_can_manage(campaign, actor):
    if not can_manage(campaign, actor):
        raise PermissionDenied("只有本辖区创建办可以管理评审评分")


def check_open(assessment: Assessment):
    if assessment.is_locked:
        raise ValidationError({"status": f"“{assessment}”已签署锁定，不能再修改"})


def item_in_framework(assessment, item):
    if item.indicator.category.framework_id != assessment.campaign.framework_id:
        raise ValidationError({"item": "该评分项不属于本创建项目的评价细则"})


def check_evidence_ids(campaign, evidence_ids) -> list[int]:
    """The evidence materials an item score cites must be materials of this campaign (no guessing ids)."""
    try:
        ids = [int(x) for x in evidence_ids]
    except (TypeError, ValueError):
        raise ValidationError({"evidence_ids": "佐证材料编号必须是整数"})
    if not ids:
        return ids
    known = set(Material.objects.filter(campaign=campaign, pk__in=ids).values_list("pk", flat=True))
    unknown = [str(i) for i in ids if i not in known]
    if unknown:
        raise ValidationError({"evidence_ids": f"佐证材料编号{'、'.join(unknown)}不是本创建项目的佐证材料"})
    return ids


# ------------------------------------------------------------------------------ assessments


@transaction.atomic
def create_assessment(
    campaign, *, actor, kind=AssessmentKind.SELF, title="", held_on=None, reviewer="", note=""
) -> Assessment:
    """A new assessment of the campaign's framework; veto answers are prepared unanswered."""
    check_can_manage(campaign, actor)
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": "评审类型无效"})
    assessment = Assessment(
        campaign=campaign,
        kind=kind,
        held_on=held_on,
        reviewer=reviewer,
        note=note,
        title=title
        or f"{campaign.region}{AssessmentKind(kind).label}"
        f"{'（' + held_on.strftime('%Y年%-m月') + '）' if held_on else ''}",
    )
    assessment.full_clean()
    assessment.save()
    for gate in campaign.framework.gates.filter(kind=GateKind.VETO):
        VetoAnswer.objects.create(assessment=assessment, gate=gate)
    _derive_vetoes(assessment)
    _apply_bonus(assessment, actor)
    return assessment


@transaction.atomic
def lock_assessment(assessment: Assessment, *, actor, expected_version=None) -> Assessment:
    """Sign off: from now on the assessment and its scores are read-only (history stays in the audit log)."""
    check_can_manage(assessment.campaign, actor)
    check_open(assessment)
    check_version(assessment, expected_version)
    _derive_vetoes(assessment)  # what is signed is what the registers say today
    assessment.status = AssessmentStatus.LOCKED
    assessment.locked_at = timezone.now()
    assessment.locked_by = actor
    save_versioned(assessment, expected_version)
    log_event(assessment, "assessment_locked", note=f"{actor} 签署锁定")
    return assessment


@transaction.atomic
def update_survey(assessment: Assessment, *, actor, expected_version, **values) -> Assessment:
    check_can_manage(assessment.campaign, actor)
    check_open(assessment)
    for key in ("satisfaction", "awareness", "support"):
        if key in values:
            setattr(assessment, key, values[key])
    assessment.full_clean()
    save_versioned(assessment, expected_version)
    return assessment


def assessment_period(assessment) -> tuple[dt.date, dt.date]:
    """The criteria's period an assessment looks back over: from the campaign's start (else the three
    years before) to the assessment's date (else today)."""
    end = assessment.held_on or timezone.localdate()
    start = assessment.campaign.started_on
    if start is None or start > end:
        try:
            start = end.replace(year=end.year - 3)
        except ValueError:  # 29 February
            start = end.replace(year=end.year - 3, day=28)
    return start, end


def _derive_vetoes(assessment) -> int:
    """Answer the veto gates a register speaks to (scoring/hooks.py) over the assessment's period; an
    answer the office overrode with a reason keeps the office's verdict. Returns how many changed."""
    start, end = assessment_period(assessment)
    region = assessment.campaign.region
    changed = 0
    for answer in VetoAnswer.objects.select_for_update().filter(assessment=assessment).select_related("gate"):
        finding = hooks.find_veto(answer.gate, region, start, end)
        before = (
            answer.derived,
            answer.derived_basis,
            answer.records,
            answer.occurred,
            answer.override_reason,
        )
        if finding is None:
            answer.derived, answer.derived_basis, answer.records = None, "", []
        else:
            answer.derived = finding.occurred
            answer.derived_basis = finding.basis
            answer.records = [r.as_dict() for r in finding.records]
            if not (answer.override_reason and answer.occurred != finding.occurred):
                answer.occurred = finding.occurred
                answer.evidence = finding.basis
                answer.override_reason = ""
        if before == (
            answer.derived,
            answer.derived_basis,
            answer.records,
            answer.occurred,
            answer.override_reason,
        ):
            continue
        answer.derived_at = timezone.now()
        save_versioned(answer, answer.version)  # under the row lock
        log_event(answer, "veto_derived", answer.basis_text()[:500], {"occurred": answer.occurred})
        changed += 1
    return changed


@transaction.atomic
def derive_vetoes(assessment: Assessment, *, actor) -> int:
    """Refresh the derived 否决项 answers from the registers (the office's button, and before locking)."""
    check_can_manage(assessment.campaign, actor)
    check_open(assessment)
    return _derive_vetoes(assessment)


def _open_assessments(**campaign_filter):
    return Assessment.objects.filter(
        status=AssessmentStatus.OPEN, campaign__archived_at__isnull=True, **campaign_filter
    ).select_related("campaign__region", "campaign__framework")


@transaction.atomic
def sync_vetoes(region) -> int:
    """A register changed in `region`: re-derive the vetoes of the open assessments of every campaign
    whose region contains it (a system step of the register's own change; locked ones keep theirs)."""
    paths = [p for p in region.path.split("/") if p]
    prefixes = ["/" + "/".join(paths[: i + 1]) + "/" for i in range(len(paths))]
    changed = 0
    for assessment in _open_assessments(campaign__region__path__in=prefixes):
        changed += _derive_vetoes(assessment)
    return changed


@transaction.atomic
def sync_bonus(campaign, *, actor) -> int:
    """A 示范引领 project of `campaign` was reviewed: rescore the bonus items of its open assessments."""
    return sum(_apply_bonus(a, actor) for a in _open_assessments(campaign=campaign))


@transaction.atomic
def answer_veto(
    answer: VetoAnswer, *, actor, occurred, evidence="", override_reason="", expected_version
) -> VetoAnswer:
    """否决项: yes/no with the evidence it rests on; a yes needs evidence. Unchanged answers are not saved.

    A gate the incident register answers (`derived` set) keeps the register's verdict unless the office
    overrides it, and an override needs a written reason (kept on the answer, audited, printed)."""
    check_can_manage(answer.assessment.campaign, actor)
    check_open(answer.assessment)
    check_version(answer, expected_version)
    evidence = evidence or ""
    reason = (override_reason or "").strip()
    if answer.derived is not None:
        if occurred == answer.derived:
            reason = ""
            evidence = evidence or answer.derived_basis
        elif not reason:
            said = "存在" if answer.derived else "不存在"
            raise ValidationError(
                {"override_reason": f"否决项“{answer.gate}”经事件登记认定为“{said}”，改判须写明理由"}
            )
    else:
        reason = ""  # nothing to override: the office's own answer rests on its evidence
        if occurred is not None and not evidence.strip():
            raise ValidationError({"evidence": f"否决项“{answer.gate}”须填写判定依据"})
    if (answer.occurred, answer.evidence, answer.override_reason) == (occurred, evidence, reason):
        return answer
    overriding = reason and reason != answer.override_reason
    answer.occurred = occurred
    answer.evidence = evidence
    answer.override_reason = reason
    answer.full_clean()
    save_versioned(answer, expected_version)
    if overriding:
        log_event(answer, "veto_overridden", reason, {"occurred": occurred, "derived": answer.derived})
    return answer


def _apply_bonus(assessment, actor) -> int:
    """Score the 示范引领 (bonus) items a register answers (scoring/hooks.py): its points capped at the
    item's value and rounded down to the item's step (the category's cap is the engine's). A score a
    person gave by hand stays; one the register gave before is refreshed. Returns how many changed."""
    if not hooks.has_bonus_sources():
        return 0
    from shian.framework.models import ScoringItem

    items = ScoringItem.objects.filter(
        indicator__category__framework=assessment.campaign.framework,
        indicator__category__kind=CategoryKind.BONUS,
    ).select_related("indicator__category__framework")
    existing = {s.item_id: s for s in assessment.scores.all()}
    changed = 0
    for item in items:
        finding = hooks.find_bonus(assessment.campaign, item)
        score = existing.get(item.pk)
        if finding is None:
            continue
        if score is not None and score.scored_at is not None and not score.source_refs:
            continue  # scored by a person (e.g. after the 答辩): theirs stands
        points = engine.round_down_to_step(_item_spec(item), finding.points)
        refs = [r.as_dict() for r in finding.records]
        if score is not None and score.points == points and score.source_refs == refs:
            continue
        score = _write_score(
            assessment,
            item,
            actor=actor,
            points=points,
            rules=(),
            free_deductions=(),
            methods=item.methods or (),
            rubric_level="",
            note=finding.basis,
            evidence_ids=(),
            expected_version=score.version if score is not None else None,
        )
        score.source_refs = refs
        score.save(update_fields=["source_refs", "updated_at"])
        changed += 1
    return changed


@transaction.atomic
def apply_bonus(assessment: Assessment, *, actor) -> int:
    """Refresh the 示范引领 items from the projects' reviewed scores (the office's button)."""
    check_can_manage(assessment.campaign, actor)
    check_open(assessment)
    return _apply_bonus(assessment, actor)


# ------------------------------------------------------------------------------ item scores


def _deduction_rows(item, rules, free):
    """[(rule or None, description, points)] from chosen DeductionRules and free text [(text, points)]."""
    rows = []
    for rule in rules:
        if rule.item_id != item.pk:
            raise ValidationError({"deductions": f"扣分规则“{rule}”不属于该评分项"})
        rows.append((rule, rule.description, rule.points))
    for text, pts in free:
        text = (text or "").strip()
        if not text:
            raise ValidationError({"deductions": "扣分原因不能为空"})
        try:
            pts = Decimal(str(pts))
        except Exception:
            raise ValidationError({"deductions": f"扣分“{pts}”不是有效的数字"})
        if pts < 0:
            raise ValidationError({"deductions": "扣分不能为负数"})
        rows.append((None, text, pts))
    return rows


def _item_spec(item):
    fw = item.indicator.category.framework
    return engine.ItemSpec(
        item.pk,
        item.indicator.category_id,
        item.indicator_id,
        item.code,
        item.points,
        item.step or fw.default_step,
        item.is_key,
        item.key_min_share,
        tuple(item.rubric or ()),
        tuple(item.methods or ()),
    )


@transaction.atomic
def score_item(
    assessment: Assessment,
    item,
    *,
    actor,
    points=None,
    rules=(),
    free_deductions=(),
    methods=(),
    rubric_level="",
    note="",
    evidence_ids=(),
    expected_version=None,
) -> ItemScore:
    """Award points to one item. Without `points`, the item's value minus the deductions (in its step).

    The points must lie in 0 … value, in the item's step, inside the rubric level's range; the
    deductions replace the item's previous ones.
    """
    check_can_manage(assessment.campaign, actor)
    return _write_score(
        assessment,
        item,
        actor=actor,
        points=points,
        rules=rules,
        free_deductions=free_deductions,
        methods=methods,
        rubric_level=rubric_level,
        note=note,
        evidence_ids=evidence_ids,
        expected_version=expected_version,
    )


def _write_score(
    assessment,
    item,
    *,
    actor,
    points,
    rules,
    free_deductions,
    methods,
    rubric_level,
    note,
    evidence_ids,
    expected_version,
):
    check_open(assessment)
    item_in_framework(assessment, item)
    unknown = set(methods) - set(Method.values)
    if unknown:
        raise ValidationError({"methods": f"未知的评价方式：{'、'.join(sorted(unknown))}"})
    rows = _deduction_rows(item, rules, free_deductions)
    evidence_ids = check_evidence_ids(assessment.campaign, evidence_ids)
    spec = _item_spec(item)
    if points is None or points == "":
        points = engine.points_after_deductions(spec, [r[2] for r in rows])
    try:
        points = engine.check_points(spec, points, rubric_level)
    except engine.ScoreError as exc:
        raise ValidationError({"points": f"评分项{item.code}：{exc}"})
    score, created = ItemScore.objects.select_for_update().get_or_create(assessment=assessment, item=item)
    if not created and (score.scored_at is not None or expected_version is not None):
        # A score somebody has given is changed only by whoever read it last; a row never scored has
        # nothing to overwrite.
        check_version(score, expected_version)
    score.points = points
    score.rubric_level = rubric_level or ""
    score.methods = list(methods)
    score.note = note or ""
    score.evidence_ids = [int(x) for x in evidence_ids]
    score.scored_by = actor
    score.scored_at = timezone.now()
    score.source_refs = []  # a person's score; _apply_bonus names its sources after writing
    save_versioned(score, score.version)  # checked above, under the row lock
    keep = []
    existing = list(score.deductions.all())
    for rule, text, pts in rows:
        match = next(
            (
                d
                for d in existing
                if d.pk not in keep and d.rule_id == (rule.pk if rule else None) and d.description == text
            ),
            None,
        )
        if match is None:
            match = Deduction.objects.create(score=score, rule=rule, description=text, points=pts)
        elif match.points != pts:
            match.points = pts
            match.save()
        keep.append(match.pk)
    for d in existing:
        if d.pk not in keep:
            d.delete()  # a problem made from it keeps its own text (SET_NULL)
    return score


@transaction.atomic
def clear_score(assessment: Assessment, item, *, actor):
    check_can_manage(assessment.campaign, actor)
    check_open(assessment)
    ItemScore.objects.filter(assessment=assessment, item=item).delete()


# ------------------------------------------------------------------------------ results


def scores_of(assessment) -> dict:
    return dict(assessment.scores.values_list("item_id", "points"))


def assessment_result(assessment, spec=None) -> engine.Result:
    spec = spec or engine.framework_spec(assessment.campaign.framework)
    vetoes = dict(assessment.vetoes.values_list("gate_id", "occurred"))
    return engine.compute(spec, scores_of(assessment), vetoes, assessment.survey_results())


def compare_assessments(assessments) -> dict:
    """Side by side: per item the points in each assessment and the change from the first to the last."""
    assessments = list(assessments)
    if not assessments:
        return {"rows": [], "totals": []}
    fw = assessments[0].campaign.framework
    if any(a.campaign.framework_id != fw.pk for a in assessments):
        raise ValidationError({"assessments": "只能比较同一评价细则下的评审"})
    spec = engine.framework_spec(fw)
    points = [scores_of(a) for a in assessments]
    rows = []
    for item in spec.items:
        values = [p.get(item.id) for p in points]
        first, last = values[0], values[-1]
        change = (last - first) if first is not None and last is not None else None
        rows.append(
            {"item": item, "values": values, "change": change, "changed": len({v for v in values}) > 1}
        )
    results = [assessment_result(a, spec) for a in assessments]
    cats = []
    for idx, cat in enumerate(spec.categories):
        cats.append(
            {
                "category": cat,
                "max": results[0].categories[idx].max_points,
                "values": [r.categories[idx].awarded for r in results],
            }
        )
    return {"assessments": assessments, "rows": rows, "categories": cats, "results": results, "spec": spec}


# ------------------------------------------------------------------------------ review groups


def _check_experts(users):
    for u in users:
        if u.role != Role.EXPERT:
            raise ValidationError({"members": f"“{u}”不是评审专家账号，不能加入评审组"})


@transaction.atomic
def save_review_group(
    assessment, *, actor, name, leader=None, members=(), items=(), note="", group=None, expected_version=None
) -> ReviewGroup:
    """Create or change a review group; the leader is always a member."""
    check_can_manage(assessment.campaign, actor)
    check_open(assessment)
    members = list(members)
    if leader is not None and leader not in members:
        members.append(leader)
    _check_experts(members)
    for item in items:
        item_in_framework(assessment, item)
    if not (name or "").strip():
        raise ValidationError({"name": "组名不能为空"})
    group = group or ReviewGroup(assessment=assessment)
    group.name, group.leader, group.note = name.strip(), leader, note
    save_versioned(group, expected_version if group.pk else None)
    group.members.set(members)
    group.items.set(items)
    return group


def check_group_item(group, item, actor):
    if not group.members.filter(pk=actor.pk).exists():
        raise PermissionDenied("您不是该评审组成员")
    if not group.items.filter(pk=item.pk).exists():
        raise PermissionDenied("该评分项不属于您所在评审组")


@transaction.atomic
def submit_expert_score(
    group: ReviewGroup, item, *, actor, points, deduction_note="", methods=()
) -> ExpertScore:
    """An expert's own score of an item their group holds."""
    check_group_item(group, item, actor)
    check_open(group.assessment)
    unknown = set(methods) - set(Method.values)
    if unknown:
        raise ValidationError({"methods": f"未知的评价方式：{'、'.join(sorted(unknown))}"})
    try:
        points = engine.check_points(_item_spec(item), points)
    except engine.ScoreError as exc:
        raise ValidationError({"points": f"评分项{item.code}：{exc}"})
    score, _ = ExpertScore.objects.get_or_create(
        group=group, item=item, expert=actor, defaults={"points": points}
    )
    score.points, score.deduction_note, score.methods = points, deduction_note or "", list(methods)
    score.save()
    return score


def spread(group, item) -> dict:
    """The experts' scores of an item and how far apart they are."""
    values = list(ExpertScore.objects.filter(group=group, item=item).select_related("expert"))
    pts = [s.points for s in values]
    return {
        "scores": values,
        "min": min(pts) if pts else None,
        "max": max(pts) if pts else None,
        "spread": (max(pts) - min(pts)) if pts else None,
        "mean": (sum(pts) / len(pts)) if pts else None,
    }


@transaction.atomic
def confirm_group_score(
    group: ReviewGroup, item, *, actor, points, deduction_text="", note="", expected_version=None
) -> ItemScore:
    """The group leader sets the group's score of an item (written into the assessment); an item that
    was scored before needs the version of that score."""
    if not (actor.is_admin or group.leader_id == actor.pk):
        raise PermissionDenied("只有评审组组长可以确认本组评分")
    if not group.items.filter(pk=item.pk).exists():
        raise PermissionDenied("该评分项不属于本评审组")
    s = spread(group, item)
    if not s["scores"]:
        raise ValidationError({"points": "尚无专家评分，不能确认"})
    summary = "；".join(f"{e.expert}：{engine.fmt(e.points)}" for e in s["scores"])
    free = []
    if deduction_text.strip():
        free = [(deduction_text.strip(), item.points - Decimal(str(points)))]
    methods = sorted({m for e in s["scores"] for m in e.methods})
    score = _write_score(
        group.assessment,
        item,
        actor=actor,
        points=points,
        rules=(),
        free_deductions=free,
        methods=methods,
        rubric_level="",
        note=(note + "\n" if note else "")
        + f"{group.name}组长确认。专家评分：{summary}（极差{engine.fmt(s['spread'])}分）",
        evidence_ids=(),
        expected_version=expected_version,
    )
    log_event(score, "group_score_confirmed", note=f"{group.name}：{engine.fmt(score.points)}分")
    return score


def can_record_interview(assessment, user, interview=None) -> bool:
    """The office of the region, or an expert of one of the assessment's review groups (for an existing
    interview held by a group: an expert of that group)."""
    if can_manage(assessment.campaign, user):
        return True
    if user.role != Role.EXPERT:
        return False
    groups = ReviewGroup.objects.filter(assessment=assessment, members=user)
    if interview is not None and interview.group_id:
        groups = groups.filter(pk=interview.group_id)
    return groups.exists()


@transaction.atomic
def save_interview(
    assessment, *, actor, interview=None, questions=(), expected_version=None, **fields
) -> Interview:
    """A 领导访谈 record with its questions [(question, answer, points)]; experts record their group's."""
    group = fields.get("group")
    if not can_manage(assessment.campaign, actor):
        if not (group is not None and group.members.filter(pk=actor.pk).exists()):
            raise PermissionDenied("只有创建办或本组评审专家可以记录访谈")
    check_open(assessment)
    if interview is not None and interview.assessment_id != assessment.pk:
        raise ValidationError({"assessment": "访谈记录不属于该评审"})
    if (
        interview is not None
        and interview.group_id
        and not can_manage(assessment.campaign, actor)
        and not interview.group.members.filter(pk=actor.pk).exists()
    ):
        raise PermissionDenied("只能修改本组的访谈记录")
    if group is not None and group.assessment_id != assessment.pk:
        raise ValidationError({"group": f"评审组“{group}”不属于评审“{assessment}”"})
    item = fields.get("item")
    if item is not None:
        item_in_framework(assessment, item)
    unit = fields.get("unit")
    if unit is not None and not unit.region.path.startswith(assessment.campaign.region.path):
        raise ValidationError({"unit": f"单位“{unit}”不在创建区划“{assessment.campaign.region}”内"})
    interview = interview or Interview(assessment=assessment)
    for k, v in fields.items():
        setattr(interview, k, v)
    if not (interview.interviewee or "").strip():
        raise ValidationError({"interviewee": "访谈对象不能为空"})
    interview.full_clean()
    save_versioned(interview, expected_version if interview.pk else None)
    if questions:
        interview.questions.all().delete()
        for n, (q, a, p) in enumerate(questions, start=1):
            interview.questions.create(seq=n, question=q, answer=a or "", points=p)
    return interview


def current_self_assessment(campaign, user=None):
    """The campaign's latest self-assessment (within the user's scope when given)."""
    qs = Assessment.objects.filter(campaign=campaign, kind=AssessmentKind.SELF)
    if user is not None:
        qs = qs.restrict(user)
    return qs.order_by("-held_on", "-created_at", "-id").first()
