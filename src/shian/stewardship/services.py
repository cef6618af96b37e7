"""包保 writes and rules: cadres, bindings with the 层级对应 rule, visit due dates."""

import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.policy import ensure_can
from shian.core.uploads import check_upload
from shian.registry.models import Business
from shian.stewardship.choices import DEFAULT_LEVEL_RULES, FindingStatus, VisitStep
from shian.stewardship.models import (
    Binding,
    Cadre,
    Commitment,
    LevelRule,
    StewardVisit,
    StewardVisitPhoto,
    VisitFinding,
)


def ensure_defaults():
    """Seed the editable 层级对应 rules; existing rows are left as configured."""
    if not LevelRule.objects.exists():
        LevelRule.objects.bulk_create(
            [
                LevelRule(cadre_level=c, business_level=b, visits_per_year=v, max_load=m)
                for c, b, v, m in DEFAULT_LEVEL_RULES
            ]
        )


def rules():
    ensure_defaults()
    return {r.cadre_level: r for r in LevelRule.objects.all()}


def _check_writer(actor):
    if actor.is_read_only:
        raise PermissionDenied("只读账号不能修改包保信息")


@transaction.atomic
def create_cadre(*, actor, **fields) -> Cadre:
    _check_writer(actor)
    cadre = Cadre(**fields)
    cadre.full_clean()
    cadre.save()
    ensure_can(actor, cadre, "change", "该干部不在您可修改的范围内")
    return cadre


def binding_problem(cadre: Cadre, business: Business, rule_map=None) -> str:
    """The reason a binding breaks the 层级对应 rule, or '' when it follows it."""
    rule = (rule_map or rules()).get(cadre.level)
    if rule is None:
        return f"没有“{cadre.get_level_display()}”的层级对应规则"
    if business.baobao_level and business.baobao_level != rule.business_level:
        return (
            f"{cadre.get_level_display()}干部应包保“{rule.get_business_level_display()}”主体，"
            f"该主体为“{business.get_baobao_level_display()}”"
        )
    if not business.region.path.startswith(cadre.region.path):
        return f"主体所在区划“{business.region}”不在干部所属区划“{cadre.region}”内"
    return ""


@transaction.atomic
def bind(cadre: Cadre, business: Business, *, actor, suggested=False) -> Binding:
    _check_writer(actor)
    ensure_can(actor, cadre, "change", "该干部不在您可修改的范围内")
    problem = binding_problem(cadre, business)
    if problem:
        raise ValidationError({"business": problem})
    binding = Binding(cadre=cadre, business=business, suggested=suggested)
    binding.full_clean()
    binding.save()
    return binding


@transaction.atomic
def unbind(binding: Binding, *, actor) -> Binding:
    _check_writer(actor)
    ensure_can(actor, binding, "change", "该包保关系不在您可修改的范围内")
    binding.is_active = False
    binding.save()
    return binding


def suggest_bindings(businesses, cadres):
    """Suggested (cadre, business) pairs: for each unbound business the cadre of the rule's level in the
    nearest region with the lightest load below its maximum."""
    rule_map = rules()
    cadres = list(cadres.filter(is_active=True).select_related("region"))
    load = {
        c.pk: c.n
        for c in Cadre.objects.filter(pk__in=[c.pk for c in cadres]).annotate(
            n=Count("bindings", filter=Q(bindings__is_active=True))
        )
    }
    pairs = []
    for business in businesses.filter(bindings__isnull=True).select_related("region"):
        fits = [c for c in cadres if not binding_problem(c, business, rule_map)]
        fits = [c for c in fits if load[c.pk] < rule_map[c.level].max_load]
        if not fits:
            continue
        best = min(fits, key=lambda c: (-len(c.region.path), load[c.pk], c.pk))
        load[best.pk] += 1
        pairs.append((best, business))
    return pairs


def apply_suggestions(businesses, cadres, *, actor) -> int:
    pairs = suggest_bindings(businesses, cadres)
    for cadre, business in pairs:
        bind(cadre, business, actor=actor, suggested=True)
    return len(pairs)


def cadres_over_load(cadres):
    rule_map = rules()
    annotated = cadres.annotate(n=Count("bindings", filter=Q(bindings__is_active=True)))
    return [c for c in annotated if c.level in rule_map and c.n > rule_map[c.level].max_load]


def bindings_breaking_rule(bindings):
    rule_map = rules()
    return [
        b
        for b in bindings.filter(is_active=True).select_related("cadre__region", "business__region")
        if binding_problem(b.cadre, b.business, rule_map)
    ]


def next_due(last_visit: datetime.date | None, visits_per_year: int, today: datetime.date) -> datetime.date:
    """The date the next visit is due: the interval is 365 / visits a year after the last one; a business
    never visited is due today."""
    if last_visit is None:
        return today
    return last_visit + datetime.timedelta(days=365 // max(visits_per_year, 1))


# ------------------------------------------------------------------------------ 督导 visits (五步法)

OPEN_FINDINGS = (FindingStatus.OPEN, FindingStatus.NOT_FIXED)
PHOTO_KINDS = ("jpg", "jpeg", "png")
LINK_SALT = "shian.stewardship.cadre-link"
LINK_DAYS = 30


def cadre_link_token(cadre: Cadre) -> str:
    """The signed token of a cadre's phone link (expires after LINK_DAYS, see `cadre_from_token`)."""
    return signing.dumps({"c": cadre.pk, "p": cadre.phone[-4:]}, salt=LINK_SALT, compress=True)


def cadre_from_token(token: str) -> Cadre | None:
    """The active cadre a link names, or None when it is forged, expired or the cadre left."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    cadre = Cadre.objects.filter(pk=data.get("c"), is_active=True).select_related("region").first()
    if cadre is None or cadre.phone[-4:] != data.get("p"):
        return None  # a changed phone number retires the old links
    return cadre


def link_message(cadre: Cadre, url: str) -> str:
    """The text message an office sends a cadre without a login."""
    return (
        f"【食安创建】{cadre.name}同志：请通过以下链接查看您包保的主体并按“五步法”填报督导记录"
        f"（{LINK_DAYS}天内有效，请勿转发）：{url}"
    )


def check_visitor(cadre: Cadre, actor):
    """May `actor` record visits for `cadre`? The cadre's own login, or whoever may change the cadre.
    `actor` None: the caller checked the cadre's signed link."""
    if actor is None:
        return
    if actor.is_read_only:
        raise PermissionDenied("只读账号不能填报督导记录")
    if cadre.user_id and cadre.user_id == actor.pk:
        return
    ensure_can(actor, cadre, "change", "该干部不在您可填报的范围内")


def cadre_may_visit(cadre: Cadre, actor) -> bool:
    try:
        check_visitor(cadre, actor)
    except PermissionDenied:
        return False
    return True


def open_findings(business):
    return VisitFinding.objects.filter(visit__business=business, status__in=OPEN_FINDINGS).select_related(
        "visit__cadre", "problem"
    )


def due_rows(cadre: Cadre, today: datetime.date | None = None) -> list[dict]:
    """The cadre's businesses with their last visit, next due date and open problems, overdue first."""
    today = today or timezone.localdate()
    rule = rules().get(cadre.level)
    per_year = rule.visits_per_year if rule else 4
    bindings = list(
        cadre.bindings.filter(is_active=True)
        .select_related("business__region", "business__category")
        .annotate(
            last=Max("business__steward_visits__visited_on", filter=Q(business__steward_visits__cadre=cadre))
        )
    )
    open_counts = dict(
        VisitFinding.objects.filter(
            visit__business__in=[b.business_id for b in bindings], status__in=OPEN_FINDINGS
        )
        .values_list("visit__business")
        .annotate(n=Count("id"))
    )
    rows = []
    for b in bindings:
        due = next_due(b.last, per_year, today)
        rows.append(
            {
                "business": b.business,
                "last": b.last,
                "due": due,
                "days": (due - today).days,
                "overdue": due < today,
                "open": open_counts.get(b.business_id, 0),
            }
        )
    rows.sort(key=lambda r: (r["due"], r["business"].name))
    return rows


def _bound(cadre, business) -> bool:
    return Binding.objects.filter(cadre=cadre, business=business, is_active=True).exists()


def _photo_name(upload) -> str:
    name = check_upload(upload, "rectification")
    if name.rsplit(".", 1)[-1].lower() not in PHOTO_KINDS:
        raise ValidationError({"photos": f"“{name}”不是照片，请上传 JPG 或 PNG 图片"})
    return name


@transaction.atomic
def record_visit(
    cadre: Cadre,
    business: Business,
    *,
    actor,
    visited_on: datetime.date,
    results: dict,
    notes: dict | None = None,
    problems: str = "",
    feedback: str = "",
    feedback_to: str = "",
    follow_ups: dict | None = None,
    photos: list | None = None,
    latitude=None,
    longitude=None,
    via_link: bool = False,
    duty_seen: tuple = (),
) -> StewardVisit:
    """One 督导 by the 五步法. `results` {1,2,3: bool} for 一看/二查/三问 (False needs a note in `notes`,
    and becomes a finding); `problems` one finding per line (四记); `follow_ups` {finding id: "fixed" |
    "not_fixed"} for the open findings of earlier visits (复查); `photos` [(step, upload)]; `duty_seen` the
    kinds of 主体责任 records (日管控/周排查/月调度) the cadre saw kept for the current period."""
    check_visitor(cadre, actor)
    if not cadre.is_active:
        raise ValidationError({"cadre": "该干部已不在岗"})
    if not _bound(cadre, business):
        raise PermissionDenied("该主体不在您的包保范围内")
    today = timezone.localdate()
    if visited_on > today:
        raise ValidationError({"visited_on": "督导日期不能晚于今天"})
    notes = {int(k): (v or "").strip() for k, v in (notes or {}).items()}
    labels = dict(VisitStep.choices)
    for step in (VisitStep.LOOK, VisitStep.CHECK, VisitStep.ASK):
        if not results.get(step, True) and not notes.get(step):
            raise ValidationError({f"step{step}": f"{labels[step]}不符合，请写明情况"})
    visit = StewardVisit(
        cadre=cadre,
        business=business,
        visited_on=visited_on,
        licences_shown=results.get(VisitStep.LOOK, True),
        records_kept=results.get(VisitStep.CHECK, True),
        staff_answered=results.get(VisitStep.ASK, True),
        licences_note=notes.get(VisitStep.LOOK, "")[:300],
        records_note=notes.get(VisitStep.CHECK, "")[:300],
        staff_note=notes.get(VisitStep.ASK, "")[:300],
        problems=(problems or "").strip(),
        feedback=(feedback or "").strip(),
        feedback_to=(feedback_to or "").strip()[:40],
        latitude=latitude,
        longitude=longitude,
        recorded_by=actor,
        via_link=via_link,
    )
    visit.full_clean()
    visit.save()
    texts = [
        (step, f"{labels[step].split('：')[1]}不符合：{notes[step]}")
        for step in (VisitStep.LOOK, VisitStep.CHECK, VisitStep.ASK)
        if not results.get(step, True)
    ]
    texts += [(VisitStep.RECORD, line.strip()) for line in visit.problems.splitlines() if line.strip()]
    VisitFinding.objects.bulk_create([VisitFinding(visit=visit, step=s, text=t[:300]) for s, t in texts])
    for step, upload in photos or ():
        photo = StewardVisitPhoto(visit=visit, step=int(step))
        photo.file.save(f"steward{visit.pk}-{_photo_name(upload)}", upload, save=False)
        photo.save()
    _follow_up(visit, follow_ups or {}, actor)
    _duty_from_visit(visit, duty_seen, actor)
    log_event(visit, "steward_visit_recorded", note=f"五步法督导，发现问题{len(texts)}个")
    if actor is not None and _campaign_for(business) and policy.manages(actor, _campaign_for(business)):
        findings_to_problems(visit, actor=actor)
    return visit


def _duty_from_visit(visit, kinds, actor):
    """主体责任 records the cadre saw on the visit, for a business that must keep them (has a 总监)."""
    from shian.stewardship.choices import DutyKind
    from shian.stewardship.duty import period_start
    from shian.stewardship.models import DutyRecord

    business = visit.business
    if not business.safety_director:
        return
    for kind in dict.fromkeys(k for k in kinds if k in DutyKind.values):
        DutyRecord.objects.get_or_create(
            business=business,
            kind=kind,
            period=period_start(kind, visit.visited_on),
            defaults={
                "done_by": business.safety_director,
                "checked": f"包保干部{visit.cadre.name}督导时查看记录",
                "visit": visit,
                "recorded_by": actor,
            },
        )


def _follow_up(visit, follow_ups, actor):
    earlier = {f.pk: f for f in open_findings(visit.business).exclude(visit=visit)}
    for key, outcome in follow_ups.items():
        finding = earlier.get(int(key)) if str(key).isdigit() else None
        if finding is None or outcome not in (FindingStatus.FIXED, FindingStatus.NOT_FIXED):
            continue
        finding.status, finding.checked_in = outcome, visit
        finding.save()
        problem = finding.problem
        if (
            outcome == FindingStatus.FIXED
            and problem is not None
            and not problem.is_closed
            and actor is not None
            and policy.manages(actor, problem.campaign)
        ):
            from shian.rectification import services as rectification
            from shian.rectification.choices import VerifyMethod

            rectification.verify_problem(
                problem,
                actor=actor,
                expected_version=problem.version,
                method=VerifyMethod.ONSITE,
                note=f"包保督导复查（{visit.visited_on:%Y-%m-%d}，{visit.cadre.name}）：已整改",
            )


def _campaign_for(business):
    """The campaign under way whose region holds the business (the deepest region first)."""
    from shian.campaigns.models import Campaign

    path = business.region.path
    candidates = [
        c
        for c in Campaign.objects.unarchived().select_related("region", "office")
        if path.startswith(c.region.path)
    ]
    candidates.sort(key=lambda c: (-len(c.region.path), c.pk))
    return candidates[0] if candidates else None


def pending_findings(queryset=None):
    """Findings not yet turned into rectification problems (the office's queue)."""
    qs = queryset if queryset is not None else VisitFinding.objects.all()
    return qs.filter(problem__isnull=True, status__in=OPEN_FINDINGS)


@transaction.atomic
def findings_to_problems(visit: StewardVisit, *, actor, deadline=None) -> list:
    """The visit's findings without a problem become rectification problems (the office of the campaign
    over the business), for the business's supervising unit — as inspections does with its findings."""
    from shian.inspections.services import responsible_unit
    from shian.rectification import services as rectification
    from shian.rectification.choices import Severity, Source

    campaign = _campaign_for(visit.business)
    if campaign is None:
        raise ValidationError({"campaign": "该主体所在区划没有进行中的创建项目"})
    if not policy.manages(actor, campaign):
        raise PermissionDenied("只有本辖区创建办可以将督导发现的问题转为整改问题")
    unit = responsible_unit(visit.business, campaign)
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=30)
    created = []
    for finding in pending_findings(visit.findings.all()):
        problem = rectification.create_problem(
            campaign,
            actor=actor,
            description=f"{visit.business.name}（{visit.business.category}）：{finding.text}",
            source=Source.INSPECTION,
            source_detail=f"包保督导·{visit.cadre.name}（{visit.cadre.get_level_display()}）"[:200],
            unit=unit,
            severity=Severity.YELLOW,
            found_on=visit.visited_on,
            deadline=deadline,
            measures="督促主体立即整改，包保干部下次督导时复查",
        )
        finding.problem = problem
        finding.save()
        created.append(problem)
    if created:
        log_event(visit, "findings_to_problems", note=f"生成整改问题{len(created)}个")
    return created


# ------------------------------------------------------------------------------ 三张清单一承诺书

SCAN_KINDS = ("pdf", "jpg", "jpeg", "png")


@transaction.atomic
def upload_signed(cadre: Cadre, year: int, upload, *, actor, signed_on=None, via_link=False) -> Commitment:
    """The signed scan (PDF or photo) of the cadre's generated 三张清单一承诺书 of `year`; the count of
    businesses on the signed lists is kept with it. A new scan replaces the old one. `actor` None with
    `via_link`: the cadre without login, whose signed link the caller checked."""
    if actor is None and not via_link:
        raise PermissionDenied("请登录后上传")
    check_visitor(cadre, actor)
    name = check_upload(upload, "rectification")
    if name.rsplit(".", 1)[-1].lower() not in SCAN_KINDS:
        raise ValidationError({"signed_scan": f"“{name}”请上传签字后的 PDF 或照片（JPG、PNG）"})
    commitment, _ = Commitment.objects.get_or_create(cadre=cadre, year=year)
    commitment.businesses = cadre.bindings.filter(is_active=True).count()
    commitment.signed_scan.save(f"commitment{commitment.pk}-{name}", upload, save=False)
    commitment.signed_on = signed_on or timezone.localdate()
    commitment.uploaded_by = actor
    commitment.save()
    how = "经短信链接" if actor is None else ""
    log_event(commitment, "commitment_signed", note=f"{how}上传签字扫描件“{name}”")
    return commitment


# ------------------------------------------------------------------------------ reminders


def overdue_cadres(cadres, today: datetime.date | None = None) -> list[tuple[Cadre, list[dict]]]:
    """Active cadres with businesses past their due date, each with the overdue rows."""
    today = today or timezone.localdate()
    out = []
    for cadre in cadres.filter(is_active=True, bindings__is_active=True).distinct().select_related("region"):
        late = [r for r in due_rows(cadre, today) if r["overdue"]]
        if late:
            out.append((cadre, late))
    return out


def remind_overdue(today: datetime.date | None = None, cadres=None) -> int:
    """Tell each overdue cadre (their login) and their unit once a week (the occasion is the ISO week),
    through core.notify like every other app. Returns the number of cadres reminded."""
    from django.urls import reverse

    from shian.core.notify import notify_event

    today = today or timezone.localdate()
    year, week, _ = today.isocalendar()
    n = 0
    for cadre, late in overdue_cadres(cadres if cadres is not None else Cadre.objects.all(), today):
        if not (cadre.user_id or cadre.unit_id):
            continue  # a cadre without login or unit is reached by the office's link message
        names = "、".join(r["business"].name for r in late[:5]) + ("等" if len(late) > 5 else "")
        campaign = _campaign_for(late[0]["business"])
        notify_event(
            "visit",
            cadre,
            users=[cadre.user_id] if cadre.user_id else [],
            units=[cadre.unit_id] if cadre.unit_id else [],
            campaign=campaign.pk if campaign else None,
            title=f"包保督导逾期：{cadre.name}有{len(late)}个主体未按时督导",
            body=f"请尽快督导：{names}。最早应于{late[0]['due']:%Y年%-m月%-d日}前完成。",
            occasion=f"{year}-W{week:02d}",
            url=reverse("stewardship:round", args=[cadre.pk]),
        )
        n += 1
    return n
