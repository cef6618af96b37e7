"""包保 figures: visits done vs required per township (rankings use it)."""

import datetime

from django.db.models import Count, Q

from shian.organisation.models import Region
from shian.stewardship import services
from shian.stewardship.models import Binding, Cadre, Commitment, StewardVisit, VisitFinding


def visit_compliance(region: Region, as_of: datetime.date) -> list[dict]:
    """Per township under `region`: visits required so far this year (each active binding's yearly
    frequency prorated to `as_of`, rounded down) and visits done in the year up to `as_of`."""
    rule_map = services.rules()
    start = datetime.date(as_of.year, 1, 1)
    elapsed = ((as_of - start).days + 1) / (365 if as_of.year % 4 else 366)
    towns = Region.objects.filter(path__startswith=region.path, level__gte=region.level + 1)
    towns = [t for t in towns if t.level == region.level + 1] or [region]
    rows = []
    for town in towns:
        bindings = Binding.objects.filter(is_active=True, business__region__path__startswith=town.path)
        required = sum(
            int(rule_map[lvl].visits_per_year * elapsed) * n
            for lvl, n in bindings.values_list("cadre__level").annotate(n=Count("id"))
            if lvl in rule_map
        )
        done = StewardVisit.objects.filter(
            Q(business__region__path__startswith=town.path), visited_on__gte=start, visited_on__lte=as_of
        ).count()
        rows.append(
            {
                "region": town,
                "required": required,
                "done": done,
                "rate": (done / required) if required else None,
            }
        )
    return rows


def _towns(region: Region) -> list:
    towns = list(Region.objects.filter(parent=region).order_by("code"))
    return towns or [region]


def commitment_coverage(region: Region, year: int) -> list[dict]:
    """Per township under `region` (county cadres under the county itself): active cadres with bindings,
    how many signed their 三张清单一承诺书 of `year`, and the rate."""
    cadres = (
        Cadre.objects.filter(is_active=True, region__path__startswith=region.path, bindings__is_active=True)
        .distinct()
        .values_list("pk", "region__path")
    )
    signed = set(
        Commitment.objects.filter(year=year, cadre__region__path__startswith=region.path)
        .exclude(signed_scan="")
        .values_list("cadre_id", flat=True)
    )
    areas = [region] + [t for t in _towns(region) if t != region]
    rows = {a.pk: {"region": a, "cadres": 0, "signed": 0} for a in areas}
    for pk, path in cadres:
        area = next((t for t in areas[1:] if path.startswith(t.path)), region)
        rows[area.pk]["cadres"] += 1
        rows[area.pk]["signed"] += pk in signed
    out = [r for r in rows.values() if r["cadres"] or r["region"] != region]
    for r in out:
        r["rate"] = r["signed"] / r["cadres"] if r["cadres"] else None
    return out


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = (
        datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    ) - datetime.timedelta(days=1)
    return start, end


def quarterly_summary(region: Region, year: int, quarter: int) -> list[dict]:
    """Per township under `region`, the quarter's 包保 work: cadres, bindings, visits required (each
    binding's yearly frequency over four, rounded up) and done, problems found and fixed on 复查,
    cadres with every business visited in the quarter, signed commitments of the year."""
    import math

    rule_map = services.rules()
    start, end = quarter_bounds(year, quarter)
    coverage = {r["region"].pk: r for r in commitment_coverage(region, year)}
    rows = []
    for town in _towns(region):
        inside = {"business__region__path__startswith": town.path}
        bindings = list(
            Binding.objects.filter(is_active=True, **inside).values_list(
                "cadre_id", "cadre__level", "business_id"
            )
        )
        visits = StewardVisit.objects.filter(visited_on__gte=start, visited_on__lte=end, **inside)
        done_pairs = set(visits.values_list("cadre_id", "business_id"))
        per_quarter = {lvl: math.ceil(r.visits_per_year / 4) for lvl, r in rule_map.items()}
        cadres = {c for c, _l, _b in bindings}
        on_time = {c for c in cadres if all((c, b) in done_pairs for cc, _l, b in bindings if cc == c)}
        findings = VisitFinding.objects.filter(
            visit__visited_on__gte=start,
            visit__visited_on__lte=end,
            visit__business__region__path__startswith=town.path,
        )
        required = sum(per_quarter.get(lvl, 0) for _c, lvl, _b in bindings)
        done = visits.count()
        sign = coverage.get(town.pk, {})
        rows.append(
            {
                "region": town,
                "cadres": len(cadres),
                "bindings": len(bindings),
                "required": required,
                "done": done,
                "rate": done / required if required else None,
                "cadres_on_time": len(on_time),
                "found": findings.count(),
                "fixed": findings.filter(status="fixed").count(),
                "signed": sign.get("signed", 0),
            }
        )
    return rows


SUMMARY_HEADER = [
    "乡镇（街道）",
    "包保干部",
    "包保关系",
    "应督导",
    "已督导",
    "完成率",
    "全部按时督导的干部",
    "发现问题",
    "复查已整改",
    "已签承诺书",
]


def summary_rows(rows) -> list[list]:
    return [
        [
            r["region"].name,
            r["cadres"],
            r["bindings"],
            r["required"],
            r["done"],
            "—" if r["rate"] is None else f"{r['rate']:.0%}",
            r["cadres_on_time"],
            r["found"],
            r["fixed"],
            r["signed"],
        ]
        for r in rows
    ]


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def dashboard_tiles(campaign, user) -> list[dict]:
    """The leader's 包保 tiles (shaped like dashboard.services.field_tiles): coverage of bindings, visits on
    time, signed commitments, open problems from visits — over the campaign's region, as `user` may see."""
    from django.db.models import F, Max
    from django.urls import reverse
    from django.utils import timezone

    from shian.registry.models import Business

    today = timezone.localdate()
    path = campaign.region.path
    rule_map = services.rules()
    businesses = Business.objects.restrict(user).operating().filter(region__path__startswith=path)
    counts = businesses.aggregate(
        total=Count("pk", distinct=True), bound=Count("pk", filter=Q(bindings__is_active=True), distinct=True)
    )
    bindings = (
        Binding.objects.restrict(user)
        .filter(is_active=True, business__region__path__startswith=path)
        .annotate(
            last=Max(
                "business__steward_visits__visited_on",
                filter=Q(business__steward_visits__cadre=F("cadre")),
            )
        )
        .values_list("cadre__level", "last")
    )
    on_time = total_b = 0
    for level, last in bindings:
        total_b += 1
        rule = rule_map.get(level)
        on_time += (
            last is not None and services.next_due(last, rule.visits_per_year if rule else 4, today) >= today
        )
    cadres = Cadre.objects.restrict(user).filter(
        is_active=True, region__path__startswith=path, bindings__is_active=True
    )
    n_cadres = cadres.distinct().count()
    signed = (
        Commitment.objects.restrict(user)
        .filter(year=today.year, cadre__in=cadres)
        .exclude(signed_scan="")
        .values("cadre")
        .distinct()
        .count()
    )
    findings = VisitFinding.objects.restrict(user).filter(
        visit__business__region__path__startswith=path, status__in=services.OPEN_FINDINGS
    )
    open_counts = findings.aggregate(n=Count("pk"), pending=Count("pk", filter=Q(problem__isnull=True)))
    unbound = counts["total"] - counts["bound"]
    return [
        {
            "label": "包保覆盖率",
            "value": _percent(counts["bound"], counts["total"]),
            "unit": "%",
            "note": f"{counts['total']} 家在营主体，{unbound} 家未落实包保干部",
            "url": reverse("stewardship:unbound"),
            "tone": "danger" if unbound else "success",
        },
        {
            "label": "包保督导按时率",
            "value": _percent(on_time, total_b),
            "unit": "%",
            "note": f"{total_b} 个包保关系，{total_b - on_time} 个逾期未督导",
            "url": reverse("stewardship:coverage"),
            "tone": "warning" if on_time < total_b else "success",
        },
        {
            "label": "承诺书签字",
            "value": signed,
            "unit": f"/{n_cadres}",
            "note": f"{today.year}年三张清单一承诺书已签字 / 包保干部",
            "url": reverse("stewardship:coverage"),
            "tone": "primary" if signed >= n_cadres else "warning",
        },
        {
            "label": "督导发现问题未整改",
            "value": open_counts["n"],
            "unit": "个",
            "note": f"其中 {open_counts['pending']} 个待创建办转为整改问题",
            "url": reverse("stewardship:visit_list"),
            "tone": "danger" if open_counts["n"] else "success",
        },
    ]
