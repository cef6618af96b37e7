"""Figures other apps read (the assessment's 否决项, the documents): plain functions, no scoping — the
caller has already decided the user may see `region`."""

import datetime as dt

from shian.incidents.models import Incident, SpecialCampaign, SpecialSite


def incidents_in(region, start: dt.date, end: dt.date):
    """Incidents in `region`'s subtree that occurred within [start, end]."""
    return Incident.objects.filter(
        region__path__startswith=region.path, occurred_on__gte=start, occurred_on__lte=end
    ).select_related("region")


def veto_incidents(region, start: dt.date, end: dt.date) -> list[Incident]:
    """The incidents that trigger a 否决项 for `region` over the criteria's period [start, end]."""
    return list(incidents_in(region, start, end).vetoing().order_by("occurred_on", "id"))


def incident_counts(region, start: dt.date, end: dt.date) -> dict:
    """{"total": n, "veto": n, "by_level": {label: n}, "by_kind": {label: n}} for the period."""
    rows = list(incidents_in(region, start, end))
    by_level, by_kind = {}, {}
    for row in rows:
        by_level[row.get_level_display()] = by_level.get(row.get_level_display(), 0) + 1
        by_kind[row.get_kind_display()] = by_kind.get(row.get_kind_display(), 0) + 1
    return {
        "total": len(rows),
        "veto": sum(1 for r in rows if r.triggers_veto),
        "by_level": by_level,
        "by_kind": by_kind,
    }


def special_figures(region, as_of: dt.date, since: dt.date | None = None) -> list[dict]:
    """专项整治 of `region`'s subtree under way by `as_of` (started on or before it; with `since`, not
    ended before it), oldest first: for each its kind, title, target (the townships' 目标户数), the
    businesses it covers and those done (验收合格 or 依法取缔) with a 排查日期 on or before `as_of` — a
    site recorded done later is not done yet on that day. Two queries."""
    from django.db.models import Count, Q, Sum

    from shian.incidents.choices import SITE_DONE

    campaigns = SpecialCampaign.objects.filter(region__path__startswith=region.path, starts_on__lte=as_of)
    if since is not None:
        campaigns = campaigns.filter(ends_on__gte=since)
    campaigns = list(campaigns.annotate(target_total=Sum("targets__target")).order_by("starts_on", "id"))
    counts = {
        row["campaign"]: row
        for row in SpecialSite.objects.filter(campaign__in=[c.pk for c in campaigns])
        .values("campaign")
        .annotate(
            covered=Count("id"),
            done=Count("id", filter=Q(status__in=SITE_DONE, checked_on__lte=as_of)),
        )
        .order_by()
    }
    out = []
    for c in campaigns:
        row = counts.get(c.pk, {})
        out.append(
            {
                "id": c.pk,
                "title": c.title,
                "kind": c.kind,
                "kind_label": c.get_kind_display(),
                "target": c.target_total or 0,
                "covered": row.get("covered", 0),
                "done": row.get("done", 0),
            }
        )
    return out


def dashboard_tiles(campaign, user) -> list[dict]:
    """The leader's tiles (shaped like dashboard.services.field_tiles): the 否决项 the register shows
    over the campaign's period, and the 专项整治 under way — over what `user` may see, three queries."""
    from django.db.models import Count, Q, Sum
    from django.urls import reverse
    from django.utils import timezone

    from shian.incidents.choices import SITE_DONE, SpecialStatus
    from shian.incidents.models import SpecialCampaign, SpecialSite, SpecialTarget

    end = timezone.localdate()
    start = campaign.started_on
    if start is None:  # as the incident list: the three years before
        try:
            start = end.replace(year=end.year - 3)
        except ValueError:  # 29 February
            start = end.replace(year=end.year - 3, day=28)
    region = campaign.region.path
    vetoes = (
        Incident.objects.restrict(user)
        .filter(region__path__startswith=region, occurred_on__gte=start, occurred_on__lte=end)
        .vetoing()
        .count()
    )
    active = SpecialCampaign.objects.restrict(user).filter(
        region__path__startswith=region, status=SpecialStatus.ACTIVE
    )
    sites = SpecialSite.objects.filter(campaign__in=active).aggregate(
        n=Count("id"), done=Count("id", filter=Q(status__in=SITE_DONE))
    )
    target = SpecialTarget.objects.filter(campaign__in=active).aggregate(t=Sum("target"))["t"] or 0
    n_active = active.count()
    return [
        {
            "label": "否决情形",
            "value": vetoes,
            "unit": "起",
            "note": f"{start:%Y-%m-%d} 以来事件登记中构成否决情形的事件",
            "url": reverse("incidents:incident_list") + f"?veto=true&occurred_after={start:%Y-%m-%d}",
            "tone": "danger" if vetoes else "success",
        },
        {
            "label": "专项整治完成",
            "value": sites["done"],
            "unit": f"/{target or sites['n']}户",
            "note": f"{n_active}项专项整治进行中，纳入{sites['n']}户"
            + (f"，目标{target}户" if target else ""),
            "url": reverse("incidents:special_list"),
            "tone": "primary" if not target or sites["done"] >= target else "warning",
        },
    ]
