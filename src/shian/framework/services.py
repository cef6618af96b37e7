"""Framework rules: who may change which framework, building a framework from tree data, edits.

Every write goes through a function here (views, API, commands and the demo call them). Building a
whole framework inserts a few hundred rows with bulk_create and records one `framework_created`
event instead of one audit row per scoring item.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.core import policy
from shian.core.audit import log_event
from shian.core.services import save_versioned
from shian.framework.choices import UnitRole
from shian.framework.extensions import item_fields
from shian.framework.models import (
    Category,
    DeductionRule,
    Framework,
    Gate,
    Indicator,
    ItemUnit,
    MaterialRequirement,
    ScoringItem,
)
from shian.framework.treedata import plain_number

# ------------------------------------------------------------------------------ permissions


def can_create_in(region, actor) -> bool:
    """May `actor` create a framework owned by `region` (None = a global framework)?"""
    if actor is None or actor.is_admin:
        return True
    return region is not None and policy.manages(actor, region)


def can_edit(framework, actor) -> bool:
    if actor is None or actor.is_admin:
        return True
    return Framework.objects.restrict(actor, "change").filter(pk=framework.pk).exists()


def check_can_edit(framework, actor) -> None:
    if not can_edit(framework, actor):
        raise PermissionDenied("只有本辖区的创建办可以修改该评价细则")


def check_can_create_in(region, actor) -> None:
    if not can_create_in(region, actor):
        if region is None:
            raise PermissionDenied("只有系统管理员可以建立全局通用的评价细则")
        raise PermissionDenied(f"只有{region.name}及上级的创建办可以为该区划建立评价细则")


def framework_of(obj) -> Framework:
    """The framework a category, indicator, item, item part or gate belongs to."""
    if isinstance(obj, Framework):
        return obj
    if isinstance(obj, Category | Gate):
        return obj.framework
    if isinstance(obj, Indicator):
        return obj.category.framework
    if isinstance(obj, ScoringItem):
        return obj.indicator.category.framework
    return obj.item.indicator.category.framework


# ------------------------------------------------------------------------------ building


def _rubric_json(rubric):
    return [
        {"level": r["level"], "min": plain_number(r["min"]), "max": plain_number(r["max"])} for r in rubric
    ]


@transaction.atomic
def create_framework_from_tree(
    tree: dict, *, owner_region=None, matcher=None, actor, event="framework_created", note=""
) -> Framework:
    """Create a framework with its whole tree. Unit names resolve through `matcher`
    (a `matching.UnitMatcher`); names it cannot resolve are kept in the items' unmatched fields."""
    from shian.framework.matching import UnitMatcher

    check_can_create_in(owner_region, actor)
    matcher = matcher or UnitMatcher(owner_region)
    fw = Framework(
        name=tree["name"],
        version_label=tree.get("version_label", ""),
        issuer=tree.get("issuer", ""),
        description=tree.get("description", ""),
        is_sample=tree.get("is_sample", False),
        owner_region=owner_region,
        pass_line=tree.get("pass_line"),
        key_item_min_share=tree.get("key_item_min_share"),
        default_step=tree.get("default_step") or Decimal("0.5"),
    )
    fw.full_clean()
    fw.save()
    cats = Category.objects.bulk_create(
        [
            Category(
                framework=fw,
                seq=i,
                code=c["code"],
                name=c["name"],
                kind=c["kind"],
                points=c.get("points"),
                cap=c.get("cap"),
            )
            for i, c in enumerate(tree["categories"], start=1)
        ]
    )
    ind_rows = [
        (
            ind,
            Indicator(
                category=cat,
                seq=i,
                code=ind["code"],
                name=ind["name"],
                description=ind.get("description", ""),
            ),
        )
        for cat, c in zip(cats, tree["categories"], strict=True)
        for i, ind in enumerate(c["indicators"], start=1)
    ]
    Indicator.objects.bulk_create([row for _, row in ind_rows])
    item_rows = []
    for data, ind in ind_rows:
        for i, it in enumerate(data["items"], start=1):
            item = ScoringItem(
                indicator=ind,
                seq=i,
                code=it["code"],
                content=it["content"],
                points=it["points"],
                step=it.get("step"),
                methods=list(it.get("methods") or []),
                scoring_rule=it.get("scoring_rule", ""),
                rubric=_rubric_json(it.get("rubric") or []),
                is_key=it.get("is_key", False),
                key_min_share=it.get("key_min_share"),
                deadline=it.get("deadline"),
                deadline_text=it.get("deadline_text", ""),
            )
            item_rows.append((it, item))
    unmatched_seen = []
    assignments, deductions, materials = [], [], []
    for it, item in item_rows:
        unmatched = {UnitRole.LEAD: [], UnitRole.COOPERATE: []}
        taken = set()
        for role, key in ((UnitRole.LEAD, "lead_units"), (UnitRole.COOPERATE, "coop_units")):
            for name in it.get(key) or []:
                found = matcher.match(name)
                if not found.matched:
                    unmatched[role].append(name)
                    unmatched_seen.append(name)
                for unit in found.units:
                    if unit.pk not in taken:
                        taken.add(unit.pk)
                        assignments.append((item, unit, role))
        item.unmatched_units = "、".join(unmatched[UnitRole.LEAD])[:300]
        item.unmatched_coop_units = "、".join(unmatched[UnitRole.COOPERATE])[:300]
        item.full_clean(exclude=["indicator"])
    ScoringItem.objects.bulk_create([item for _, item in item_rows])
    seqs = {}
    links = []
    for item, unit, role in assignments:
        seqs[(item.pk, role)] = seqs.get((item.pk, role), 0) + 1
        links.append(ItemUnit(item=item, unit=unit, role=role, seq=seqs[(item.pk, role)]))
    ItemUnit.objects.bulk_create(links)
    for it, item in item_rows:
        deductions += [
            DeductionRule(
                item=item,
                seq=i,
                description=d["description"],
                points=d["points"],
                per_occurrence=d.get("per_occurrence", False),
            )
            for i, d in enumerate(it.get("deductions") or [], start=1)
        ]
        for i, m in enumerate(it.get("materials") or [], start=1):
            provider = None
            provider_name = ""
            if m.get("provider"):
                found = matcher.match(m["provider"])
                if len(found.units) == 1:
                    provider = found.units[0]
                else:
                    provider_name = m["provider"]
            materials.append(
                MaterialRequirement(
                    item=item,
                    seq=i,
                    name=m["name"],
                    description=m.get("description", ""),
                    provider=provider,
                    provider_name=provider_name,
                    period=m.get("period") or "any",
                    period_years=m.get("period_years"),
                )
            )
    DeductionRule.objects.bulk_create(deductions)
    MaterialRequirement.objects.bulk_create(materials)
    for f in item_fields():
        f.save({item.pk: it[f.key] for it, item in item_rows if it.get(f.key)})
    gates = []
    for i, g in enumerate(tree.get("gates") or [], start=1):
        gate = Gate(
            framework=fw,
            seq=i,
            kind=g["kind"],
            name=g["name"],
            description=g.get("description", ""),
            metric=g.get("metric", ""),
            threshold=g.get("threshold"),
        )
        gate.full_clean(exclude=["framework"])
        gates.append(gate)
    Gate.objects.bulk_create(gates)
    summary = f"{len(cats)}个类别、{len(ind_rows)}个指标、{len(item_rows)}个评分项、{len(links)}个责任单位"
    log_event(
        fw,
        event,
        note=(note + "；" if note else "") + summary,
        data={"unmatched_units": sorted(set(unmatched_seen))} if unmatched_seen else None,
    )
    return fw


# ------------------------------------------------------------------------------ edits


def save_part(obj, *, expected_version, actor):
    """Save an edited framework, category, indicator, item, part or gate (permission + version)."""
    fw = framework_of(obj) if obj.pk or not isinstance(obj, Framework) else obj
    if isinstance(obj, Framework) and obj.pk is None:
        check_can_create_in(obj.owner_region, actor)
    else:
        check_can_edit(fw, actor)
        if isinstance(obj, Framework) and obj.pk:
            # moving a framework to another region needs the right to create there too
            check_can_create_in(obj.owner_region, actor)
    obj.full_clean()
    return save_versioned(obj, expected_version if obj.pk else None)


@transaction.atomic
def delete_part(obj, *, actor):
    check_can_edit(framework_of(obj), actor)
    obj.delete()


@transaction.atomic
def update_item(item: ScoringItem, data: dict, *, expected_version, actor) -> ScoringItem:
    """Change fields of a scoring item (API); refused if someone saved it since `expected_version`."""
    check_can_edit(framework_of(item), actor)
    for key, value in data.items():
        setattr(item, key, value)
    item.full_clean()
    return save_versioned(item, expected_version)


@transaction.atomic
def set_item_units(item: ScoringItem, *, lead, coop, actor) -> None:
    """Replace the lead and cooperating units of an item (units must lie in the framework's region)."""
    fw = framework_of(item)
    check_can_edit(fw, actor)
    lead, coop = list(dict.fromkeys(lead)), [u for u in dict.fromkeys(coop) if u not in lead]
    for unit in lead + coop:
        if fw.owner_region_id and not unit.region.path.startswith(fw.owner_region.path):
            raise ValidationError({"units": f"单位“{unit}”不在细则所属区划“{fw.owner_region}”内"})
    wanted = {(u.pk, UnitRole.LEAD) for u in lead} | {(u.pk, UnitRole.COOPERATE) for u in coop}
    for link in list(item.assignments.all()):
        if (link.unit_id, link.role) not in wanted:
            link.delete()
    have = {(link.unit_id, link.role) for link in item.assignments.all()}
    for role, units in ((UnitRole.LEAD, lead), (UnitRole.COOPERATE, coop)):
        for seq, unit in enumerate(units, start=1):
            if (unit.pk, role) in have:
                ItemUnit.objects.filter(item=item, unit=unit).exclude(seq=seq).update(seq=seq)
            else:
                ItemUnit.objects.create(item=item, unit=unit, role=role, seq=seq)


@transaction.atomic
def delete_framework(framework: Framework, *, actor) -> None:
    check_can_edit(framework, actor)
    if framework.campaigns.exists():
        raise ValidationError("该评价细则已被创建项目使用，不能删除")
    framework.delete()
