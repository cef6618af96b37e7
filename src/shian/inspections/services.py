"""明查暗访 rules: draw the points, assign visits, record them, turn findings into problems."""

import base64
import binascii
import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shian.core.audit import log_event
from shian.core.policy import manages
from shian.core.services import save_versioned
from shian.inspections import draw as drawing
from shian.inspections.choices import RESULT_SHARE, PlanStatus, Result, SiteRole, VisitStatus
from shian.inspections.models import (
    Checklist,
    DrawnSite,
    DrawSnapshot,
    InspectionPlan,
    Visit,
    VisitAnswer,
    VisitPhoto,
)
from shian.organisation.choices import UnitKind
from shian.organisation.models import Unit

MAX_PHOTO_BYTES = 4 * 1024 * 1024


def is_office_for(plan, user) -> bool:
    return manages(user, plan.campaign)


def check_office(plan, actor):
    if not is_office_for(plan, actor):
        raise PermissionDenied("只有本辖区创建办可以执行此操作")


# ------------------------------------------------------------------------------------- plans


@transaction.atomic
def create_plan(campaign, *, actor, quotas=(), areas=(), **fields) -> InspectionPlan:
    """A plan with its quotas [(category, area or None, n)]; areas must lie in the campaign's region."""
    plan = InspectionPlan(campaign=campaign, **fields)
    check_office(plan, actor)
    for area in areas:
        if not area.path.startswith(campaign.region.path):
            raise ValidationError({"areas": f"区域“{area}”不在创建区划“{campaign.region}”内"})
    plan.full_clean()
    plan.save()
    plan.areas.set(areas)
    for category, area, n in quotas:
        if area is not None and not area.path.startswith(campaign.region.path):
            raise ValidationError({"quotas": f"配额区域“{area}”不在创建区划内"})
        plan.quotas.create(category=category, area=area, quota=n)
    return plan


@transaction.atomic
def draw_sites(plan: InspectionPlan, *, actor, seed=None) -> list:
    """Snapshot the eligible registry, draw every stratum, store seed, snapshot and result.

    Refused once a visit has been submitted. A stratum short of its quota stops the draw with a
    message naming it, unless the plan allows a shortfall (then it is recorded)."""
    check_office(plan, actor)
    original, plan = plan, InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.visits.filter(status=VisitStatus.SUBMITTED).exists():
        raise ValidationError({"seed": "已有点位完成检查，不能重新抽取"})
    strata = drawing.strata_for(plan)
    if not strata:
        raise ValidationError({"quotas": "请先设置各业态的抽取配额"})
    seed = int(seed) if seed is not None else secrets.randbelow(10**9)
    snapshot = drawing.take_snapshot(plan)
    results = drawing.draw(
        snapshot,
        strata,
        seed,
        reserves=plan.reserves,
        risk_grades=plan.risk_grades,
        risk_failed=plan.risk_failed_before,
        risk_share=plan.risk_share,
    )
    shortfalls = [r.message() for r in results if r.shortfall]
    if shortfalls and not plan.allow_shortfall:
        raise ValidationError({"quotas": shortfalls})
    plan.visits.all().delete()
    plan.sites.all().delete()
    sites, order = [], 0
    for r in results:
        for role, rows in ((SiteRole.SELECTED, r.selected), (SiteRole.RESERVE, r.reserves)):
            for row, high in rows:
                order += 1
                sites.append(
                    DrawnSite(
                        plan=plan,
                        business_id=row[drawing.ID],
                        stratum=r.stratum.label,
                        order=order,
                        role=role,
                        high_risk=high,
                    )
                )
    DrawnSite.objects.bulk_create(sites)
    DrawSnapshot.objects.update_or_create(plan=plan, defaults={"rows": snapshot})
    plan.seed, plan.snapshot_hash = seed, drawing.snapshot_hash(snapshot)
    plan.drawn_at, plan.drawn_by, plan.status = (
        timezone.now(),
        actor if actor and actor.pk else None,
        PlanStatus.DRAWN,
    )
    plan.draw_record = {
        "strata": [
            {
                "key": r.stratum.key,
                "label": r.stratum.label,
                "quota": r.stratum.quota,
                "eligible": r.eligible,
                "selected": [row[drawing.ID] for row, _ in r.selected],
                "reserves": [row[drawing.ID] for row, _ in r.reserves],
                "shortfall": r.message(),
            }
            for r in results
        ],
        "eligible": len(snapshot),
    }
    save_versioned(plan, plan.version)
    selected = sum(len(r.selected) for r in results)
    log_event(
        plan,
        "sites_drawn",
        note=f"种子{seed}，候选{len(snapshot)}个，正选{selected}个"
        + (f"；不足：{'；'.join(shortfalls)}" if shortfalls else ""),
        data={"seed": seed, "snapshot_hash": plan.snapshot_hash, "selected": selected},
    )
    original.refresh_from_db()
    return results


def explain_draw(plan: InspectionPlan):
    """Re-run the draw from the stored snapshot and seed: [(stratum label, selected ids, reserve ids)]."""
    if plan.seed is None:
        return []
    if drawing.snapshot_hash(plan.snapshot) != plan.snapshot_hash:
        raise ValidationError("候选快照校验值不符，抽取记录可能被改动")
    strata = [
        drawing.Stratum(s["key"], s["label"], s["key"].split("@")[0], s["key"].split("@", 1)[1], s["quota"])
        for s in plan.draw_record.get("strata", [])
    ]
    results = drawing.draw(
        plan.snapshot,
        strata,
        plan.seed,
        reserves=plan.reserves,
        risk_grades=plan.risk_grades,
        risk_failed=plan.risk_failed_before,
        risk_share=plan.risk_share,
    )
    return [
        (r.stratum.label, [row[0] for row, _ in r.selected], [row[0] for row, _ in r.reserves])
        for r in results
    ]


@transaction.atomic
def replace_site(site: DrawnSite, *, actor, reason) -> DrawnSite | None:
    """A drawn point cannot be visited (closed, moved …): the stratum's first unused reserve steps in."""
    check_office(site.plan, actor)
    if not (reason or "").strip():
        raise ValidationError({"note": "请填写无法检查的原因"})
    if site.role != SiteRole.SELECTED or site.visits.filter(status=VisitStatus.SUBMITTED).exists():
        raise ValidationError({"role": "只有尚未检查的正选点位可以替换"})
    reserve = site.plan.sites.filter(stratum=site.stratum, role=SiteRole.RESERVE).order_by("order").first()
    site.role, site.note = SiteRole.UNVISITABLE, reason.strip()[:200]
    site.save()
    visit = site.visits.first()
    if reserve is not None:
        reserve.role, reserve.note = SiteRole.SELECTED, f"替换第{site.order}号点位"
        reserve.save()
        if visit is not None:
            visit.site, visit.business = reserve, reserve.business
            visit.checklist = current_checklist(reserve.business.category)
            save_versioned(visit, visit.version)
    elif visit is not None:
        visit.delete()
    log_event(
        site.plan,
        "site_replaced",
        note=f"第{site.order}号点位“{site.business}”无法检查：{reason.strip()}；"
        + (f"由备选“{reserve.business}”替换" if reserve else "本层已无备选"),
    )
    return reserve


def current_checklist(category) -> Checklist:
    checklist = Checklist.objects.filter(category=category, is_current=True).order_by("-version").first()
    if checklist is None:
        raise ValidationError({"checklist": f"业态“{category}”还没有现场检查表，请先导入"})
    return checklist


@transaction.atomic
def assign_visits(plan: InspectionPlan, *, actor, inspectors, scheduled_on=None) -> list[Visit]:
    """One visit per selected point without one, inspectors taken in turn."""
    check_office(plan, actor)
    inspectors = list(inspectors)
    if not inspectors:
        raise ValidationError({"inspectors": "请选择检查人员"})
    todo = plan.sites.filter(role=SiteRole.SELECTED, visits__isnull=True).select_related("business__category")
    visits = []
    for i, site in enumerate(todo.order_by("order")):
        visits.append(
            Visit.objects.create(
                plan=plan,
                site=site,
                business=site.business,
                checklist=current_checklist(site.business.category),
                inspector=inspectors[i % len(inspectors)],
                scheduled_on=scheduled_on or plan.planned_on,
            )
        )
    log_event(plan, "visits_assigned", note=f"分派{len(visits)}个点位给{len(inspectors)}名检查人员")
    return visits


# ------------------------------------------------------------------------------------- visits


def _check_inspector(visit, actor):
    if actor.pk != visit.inspector_id and not is_office_for(visit.plan, actor):
        raise PermissionDenied("只有本点位的检查人员可以填写检查结果")
    if visit.is_submitted:
        raise ValidationError({"status": "检查已提交，不能再修改"})


def _decode_image(data_url, what):
    if not isinstance(data_url, str) or not data_url.startswith("data:image/"):
        raise ValidationError({"photos": f"{what}不是图片"})
    header, _, payload = data_url.partition(",")
    ext = "png" if "png" in header else "jpg"
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"photos": f"{what}数据损坏"})
    if len(raw) > MAX_PHOTO_BYTES:
        raise ValidationError({"photos": f"{what}超过4MB"})
    if not (raw.startswith(b"\xff\xd8") or raw.startswith(b"\x89PNG")):
        raise ValidationError({"photos": f"{what}不是 JPEG 或 PNG 图片"})
    return raw, ext


def _decimal(v):
    try:
        return None if v in (None, "") else Decimal(str(v)).quantize(Decimal("0.000001"))
    except Exception:
        return None


def visit_score(visit) -> Decimal | None:
    """百分制: earned / applicable points; 不适用 items are left out; None if nothing applies."""
    earned = total = Decimal("0")
    for a in visit.answers.select_related("item"):
        if a.result == Result.NA:
            continue
        total += a.item.points
        earned += a.item.points * RESULT_SHARE[a.result]
    return None if not total else (earned * 100 / total).quantize(Decimal("0.1"))


@transaction.atomic
def save_visit(visit: Visit, *, actor, data: dict, submit=False) -> Visit:
    """Store what the phone sent (answers, notes, photos, signature); `submit` checks completeness.

    Safe to repeat: answers are keyed by item, photos by their client id, so a draft re-sent after
    the network came back does not duplicate anything."""
    original, visit = visit, Visit.objects.select_for_update().get(pk=visit.pk)
    _check_inspector(visit, actor)
    items = {i.pk: i for i in visit.checklist.items.all()}
    answers = data.get("answers") or {}
    existing = {a.item_id: a for a in visit.answers.all()}
    new = []
    for key, value in answers.items():
        item = items.get(int(key)) if str(key).isdigit() else None
        if item is None:
            raise ValidationError({"answers": f"检查项{key}不属于本检查表"})
        result = (value or {}).get("result") or ""
        note = ((value or {}).get("note") or "").strip()[:500]
        if not result:
            continue
        if result not in Result.values:
            raise ValidationError({"answers": f"第{item.seq}项的结果“{result}”无效"})
        old = existing.get(item.pk)
        if old is None:
            new.append(VisitAnswer(visit=visit, item=item, result=result, note=note))
        elif (old.result, old.note) != (result, note):
            old.result, old.note = result, note
            old.save(update_fields=["result", "note"])  # a change of a recorded answer is audited one by one
    if new:
        # First answers arrive together from the phone: one insert, one summary entry in the audit log.
        VisitAnswer.objects.bulk_create(new)
        log_event(
            visit,
            "visit_answers_recorded",
            note=f"记录检查结果{len(new)}项",
            data={str(a.item_id): a.result for a in new},
        )
    for i, photo in enumerate(data.get("photos") or [], start=1):
        cid = str(photo.get("id") or "")[:64]
        if not cid or visit.photos.filter(client_id=cid).exists():
            continue
        item_id = photo.get("item")
        item = items.get(int(item_id)) if str(item_id or "").isdigit() else None
        raw, ext = _decode_image(photo.get("data"), f"第{i}张照片")
        taken = parse_datetime(photo.get("taken_at") or "") or timezone.now()
        p = VisitPhoto(
            visit=visit,
            item=item,
            client_id=cid,
            taken_at=taken,
            latitude=_decimal(photo.get("lat")),
            longitude=_decimal(photo.get("lng")),
        )
        p.file.save(f"visit{visit.pk}-{cid[:12]}.{ext}", ContentFile(raw), save=False)
        p.save()
    if data.get("signature"):
        raw, ext = _decode_image(data["signature"], "签字")
        visit.signature.save(f"visit{visit.pk}-signature.{ext}", ContentFile(raw), save=False)
    visit.notes = str(data.get("notes") or visit.notes)[:5000]
    visit.person_in_charge = str(data.get("person_in_charge") or visit.person_in_charge)[:40]
    if visit.status == VisitStatus.ASSIGNED:
        visit.status, visit.started_at = VisitStatus.IN_PROGRESS, timezone.now()
    if submit:
        _check_complete(visit, items)
        visit.status, visit.submitted_at = VisitStatus.SUBMITTED, timezone.now()
        visit.score = visit_score(visit)
    save_versioned(visit, visit.version)
    if submit:
        log_event(visit, "visit_submitted", note=f"得分{visit.score}")
    original.refresh_from_db()
    return visit


def _check_complete(visit, items):
    answered = {a.item_id: a for a in visit.answers.all()}
    missing = [str(i.seq) for i in items.values() if i.pk not in answered]
    if missing:
        raise ValidationError({"answers": f"还有第{'、'.join(missing)}项未填写结果"})
    with_photo = set(visit.photos.values_list("item_id", flat=True))
    need = [
        str(i.seq)
        for i in items.values()
        if i.photo_required and answered[i.pk].result != Result.NA and i.pk not in with_photo
    ]
    if need:
        raise ValidationError({"photos": f"第{'、'.join(need)}项须拍照"})
    fails = [str(a.item.seq) for a in answered.values() if a.result == Result.FAIL and not a.note]
    if fails:
        raise ValidationError({"answers": f"第{'、'.join(fails)}项不符合，请写明情况"})
    if not visit.signature:
        raise ValidationError({"signature": "请现场负责人签字"})


# --------------------------------------------------------------------------- findings → problems


def responsible_unit(business, campaign) -> Unit:
    """The business's supervising unit, else its township's unit, else the campaign office."""
    if business.supervising_unit_id:
        return business.supervising_unit
    unit = Unit.objects.filter(region=business.region, kind=UnitKind.TOWNSHIP, is_active=True).first()
    return unit or campaign.office


@transaction.atomic
def problems_from_visit(visit: Visit, *, actor, deadline=None) -> list:
    """Each 不符合 answer without a problem becomes one (source 明查暗访), for the responsible unit."""
    from shian.rectification import services as rectification
    from shian.rectification.choices import Severity, Source

    check_office(visit.plan, actor)
    if not visit.is_submitted:
        raise ValidationError({"status": "检查提交后才能生成整改问题"})
    campaign = visit.plan.campaign
    unit = responsible_unit(visit.business, campaign)
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=30)
    created = []
    for a in visit.answers.filter(result=Result.FAIL, problem__isnull=True).select_related("item"):
        text = f"{visit.business.name}（{visit.business.category}）：{a.item.text}" + (
            f"。现场情况：{a.note}" if a.note else ""
        )
        problem = rectification.create_problem(
            campaign,
            actor=actor,
            description=text,
            source=Source.COVERT,
            source_detail=f"{visit.plan.name}·{visit.plan.get_mode_display()}"[:200],
            unit=unit,
            severity=Severity.ORANGE if a.item.is_key else Severity.YELLOW,
            points=a.item.points,
            found_on=timezone.localdate(visit.submitted_at),
            deadline=deadline,
            measures="按检查标准立即整改，整改后由检查组回头看复查",
        )
        a.problem = problem
        a.save(update_fields=["problem"])
        created.append(problem)
    if created:
        log_event(visit, "findings_to_problems", note=f"生成整改问题{len(created)}个")
    return created


@transaction.atomic
def start_reinspection(visit: Visit, *, actor, inspector=None) -> Visit:
    """回头看: a new visit of the same business with the same checklist version."""
    check_office(visit.plan, actor)
    if not visit.is_submitted:
        raise ValidationError({"status": "原检查尚未提交"})
    return Visit.objects.create(
        plan=visit.plan,
        site=visit.site,
        business=visit.business,
        checklist=visit.checklist,
        inspector=inspector or visit.inspector,
        parent=visit,
        scheduled_on=timezone.localdate(),
    )


@transaction.atomic
def close_problems_by_reinspection(reinspection: Visit, *, actor) -> list:
    """Problems of the original visit whose item now conforms are verified (现场复核); the others stay open."""
    from shian.rectification import services as rectification
    from shian.rectification.choices import VerifyMethod

    check_office(reinspection.plan, actor)
    if reinspection.parent_id is None or not reinspection.is_submitted:
        raise ValidationError({"status": "只有已提交的回头看检查可以据以销号"})
    now = {a.item_id: a for a in reinspection.answers.all()}
    closed = []
    for a in reinspection.parent.answers.filter(problem__isnull=False).select_related("problem", "item"):
        again = now.get(a.item_id)
        if again is None or again.result not in (Result.PASS, Result.PARTIAL) or a.problem.is_closed:
            continue
        rectification.verify_problem(
            a.problem,
            expected_version=a.problem.version,
            actor=actor,
            method=VerifyMethod.ONSITE,
            note=f"回头看复查（{timezone.localdate(reinspection.submitted_at):%Y-%m-%d}）"
            f"：第{a.item.seq}项{again.get_result_display()}",
        )
        closed.append(a.problem)
    return closed


# ---------------------------------------------------------------------------------- figures


def plan_summary(plan: InspectionPlan) -> dict:
    """Points, visits done, category averages and main problems by category (the 现场检查 section)."""
    visits = list(plan.visits.select_related("business__category", "business__region"))
    done = [v for v in visits if v.is_submitted and v.score is not None]
    by_cat = {}
    for v in done:
        by_cat.setdefault(v.business.category.name, []).append(v.score)
    fails = VisitAnswer.objects.filter(visit__plan=plan, result=Result.FAIL).select_related(
        "item", "visit__business__category"
    )
    problems = {}
    for a in fails:
        problems.setdefault(a.visit.business.category.name, []).append(a.item.text)
    return {
        "points": len(visits),
        "done": len(done),
        "areas": sorted({v.business.region.name for v in visits}),
        "categories": [
            {"name": k, "count": len(s), "average": (sum(s) / len(s)).quantize(Decimal("0.1"))}
            for k, s in sorted(by_cat.items())
        ],
        "average": (sum(v.score for v in done) / len(done)).quantize(Decimal("0.1")) if done else None,
        "problems": [
            {"category": k, "count": len(v), "items": sorted(set(v))[:5]} for k, v in sorted(problems.items())
        ],
    }
