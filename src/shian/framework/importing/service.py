"""Preview and import: unit matching, the summary shown before committing, the all-or-nothing write."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.framework.importing.reading import ReadResult, read_tree
from shian.framework.matching import UnitMatcher
from shian.framework.treedata import dec_text, tree_summary, tree_warnings

# ------------------------------------------------------------------------------------ preview


def match_units(tree: dict, matcher: UnitMatcher, places: dict | None = None) -> list[dict]:
    """Every distinct unit name of the tree with how it matched (for the preview and the command)."""
    names = []
    for cat in tree["categories"]:
        for ind in cat["indicators"]:
            for item in ind["items"]:
                names += (
                    item["lead_units"]
                    + item["coop_units"]
                    + [m["provider"] for m in item["materials"] if m["provider"]]
                )
    out = []
    for name in dict.fromkeys(names):
        found = matcher.match(name)
        out.append(
            {
                "name": name,
                "matched": found.matched,
                "how": found.how,
                "units": [{"id": u.pk, "name": u.name} for u in found.units],
                "places": (places or {}).get(name, [])[:5],
            }
        )
    return out


HOW_LABELS = {
    "exact": "全称一致",
    "short": "简称一致",
    "normalised": "规范化后一致",
    "group": "全部乡镇（街道）",
    "mapped": "已指定",
    "created": "将新建",
    "ambiguous": "对应多个单位，请指定",
    "": "未匹配",
}


def preview_import(read: ReadResult, owner_region, matcher: UnitMatcher | None = None) -> dict:
    """What the import understood, as plain data (JSON-safe apart from Decimals)."""
    tree = read.tree
    matcher = matcher or UnitMatcher(owner_region)
    units = match_units(tree, matcher, read.unit_places)
    for u in units:
        u["how_label"] = HOW_LABELS.get(u["how"], u["how"])
    return {
        "name": tree["name"],
        "version_label": tree["version_label"],
        "summary": tree_summary(tree),
        "tree": tree_outline(tree),
        "warnings": tree_warnings(tree)
        + _no_points_warning(tree)
        + ([] if tree["gates"] else ["文件中没有否决项与门槛，可在导入后补充"]),
        "units": units,
        "unmatched": [u["name"] for u in units if not u["matched"]],
        "owner_region": owner_region.name if owner_region else "全局通用",
    }


def tree_outline(tree: dict) -> list[dict]:
    """The tree the import will create, as the preview shows it: categories → indicators → items
    (so a column read as the wrong level — 评价项目 taken for the category — is visible before confirming)."""
    return [
        {
            "name": c["name"],
            "code": c.get("code", ""),
            "kind": c["kind"],
            "indicators": [
                {
                    "name": ind["name"],
                    "code": ind.get("code", ""),
                    "items": [
                        {"code": i.get("code", ""), "content": i["content"], "points": i["points"]}
                        for i in ind["items"]
                    ],
                }
                for ind in c["indicators"]
            ],
        }
        for c in tree["categories"]
    ]


def _no_points_warning(tree: dict) -> list[str]:
    items = [i for c in tree["categories"] for ind in c["indicators"] for i in ind["items"]]
    if items and not any(i["points"] for i in items):
        return ["文件中没有分值（如任务分解清单），评分项均按0分导入，可在导入后逐项补充分值"]
    return []


def json_safe(obj):
    if isinstance(obj, Decimal):
        return dec_text(obj)
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


# ------------------------------------------------------------------------------------ import

CREATE = "create"
SKIP = "skip"


@dataclass
class ImportOutcome:
    errors: list[str] = field(default_factory=list)
    preview: dict | None = None
    framework: object = None
    created_units: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_framework(
    source,
    *,
    filename: str,
    owner_region,
    actor,
    name: str | None = None,
    mapping: dict | None = None,
    create_units: bool = False,
    dry_run: bool = False,
) -> ImportOutcome:
    """Read, preview and (unless `dry_run` or anything is wrong) create the framework.

    `mapping` maps unmatched names to a Unit (or its id), to "create" (a new member unit of the owner
    region) or to "skip" (kept as text on the item). `create_units` creates every unmatched name.
    """
    from shian.framework.services import check_can_create_in, create_framework_from_tree
    from shian.organisation.models import Unit

    check_can_create_in(owner_region, actor)
    read = read_tree(source, filename)
    if not read.ok:
        return ImportOutcome(errors=read.errors)
    if name:
        read.tree["name"] = name.strip()[:200]
    matcher = UnitMatcher(owner_region)
    to_create = []
    errors = []
    allowed = {u.pk: u for u in matcher.units}
    for unit_name, target in (mapping or {}).items():
        if target in (None, "", SKIP):
            continue
        if target == CREATE:
            to_create.append(unit_name)
            continue
        unit = allowed.get(getattr(target, "pk", None) or _int(target))
        if unit is None:
            errors.append(f"单位“{unit_name}”指定的对应单位不存在或不在{owner_region or '本辖区'}内")
            continue
        matcher.add_mapping(unit_name, unit)
    if errors:
        return ImportOutcome(errors=errors)
    preview = preview_import(read, owner_region, matcher)
    if create_units:
        to_create += [
            n for n in preview["unmatched"] if n not in to_create and (mapping or {}).get(n) != SKIP
        ]
    to_create = [n for n in dict.fromkeys(to_create) if n in preview["unmatched"]]
    if to_create and owner_region is None:
        return ImportOutcome(errors=["全局通用的细则不能新建单位，请指定所属区划"], preview=preview)
    for u in preview["units"]:
        if u["name"] in to_create:
            u["how"], u["how_label"] = "created", HOW_LABELS["created"]
    preview["unmatched"] = [n for n in preview["unmatched"] if n not in to_create]
    preview["to_create"] = to_create
    if dry_run:
        return ImportOutcome(preview=preview)
    if actor is not None and to_create and not actor.is_office:
        raise PermissionDenied("只有创建办可以新建单位")
    with transaction.atomic():
        created = []
        for unit_name in to_create:
            unit = Unit(
                name=unit_name[:100],
                short_name=unit_name[:40] if len(unit_name) <= 40 else "",
                region=owner_region,
            )
            try:
                unit.full_clean()
            except ValidationError as exc:
                raise ValidationError(f"不能新建单位“{unit_name}”：{'；'.join(exc.messages)}")
            unit.save()
            created.append(unit)
            matcher.add_mapping(unit_name, unit)
        fw = create_framework_from_tree(
            read.tree,
            owner_region=owner_region,
            matcher=matcher,
            actor=actor,
            event="framework_imported",
            note=f"从“{os.path.basename(filename)}”导入",
        )
    return ImportOutcome(preview=preview, framework=fw, created_units=created)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
