"""Automatic checks run before a reviewer looks: period, duplicate, empty/unreadable, better match.

`run_checks(material, text)` returns the list of flags ({"code", "message"}) the material carries;
the services store it in `Material.flags`. Checks are plain functions so tests call them directly.
"""

import datetime

from django.utils import timezone

from shian.evidence.choices import Flag, TextStatus
from shian.framework.choices import MaterialPeriod

MIN_TEXT_FOR_MATCH = 20
BETTER_MATCH_RATIO = 2.0
BETTER_MATCH_MIN = 0.12


def period_bounds(requirement, campaign, today: datetime.date | None = None):
    """(start, end) a document must fall in for `requirement`, or None when any date will do.

    当年 = from 1 January of the current year; 近N年 = the N previous calendar years and the current
    one; 创建以来 = since the campaign started. The end is always today (a future date is wrong).
    """
    today = today or timezone.localdate()
    if requirement is None:
        return None
    period = requirement.period
    if period == MaterialPeriod.CURRENT_YEAR:
        return datetime.date(today.year, 1, 1), today
    if period == MaterialPeriod.LAST_YEARS:
        years = requirement.period_years or 1
        return datetime.date(today.year - years, 1, 1), today
    if period == MaterialPeriod.SINCE_CAMPAIGN and campaign.started_on:
        return campaign.started_on, today
    return None


def check_period(material, today=None) -> dict | None:
    if not material.doc_date:
        return None
    bounds = period_bounds(material.requirement, material.campaign, today)
    if bounds is None:
        today = today or timezone.localdate()
        if material.doc_date > today:
            return {"code": Flag.OUT_OF_PERIOD, "message": f"成文日期 {material.doc_date:%Y-%m-%d} 晚于今天"}
        return None
    start, end = bounds
    if start <= material.doc_date <= end:
        return None
    source = "（自动识别）" if material.doc_date_detected else ""
    return {
        "code": Flag.OUT_OF_PERIOD,
        "message": f"成文日期 {material.doc_date:%Y-%m-%d}{source} 不在要求的时间范围"
        f"（{material.requirement.period_label()}：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）内",
    }


def check_duplicate(material) -> dict | None:
    """Another material of the same campaign whose current file has the same content hash."""
    from shian.evidence.models import Material

    if material.current is None or material.current.size == 0:
        return None
    others = (
        Material.objects.filter(campaign_id=material.campaign_id, current__sha256=material.current.sha256)
        .exclude(pk=material.pk)
        .select_related("unit")
        .order_by("pk")[:3]
    )
    others = list(others)
    if not others:
        return None
    names = "、".join(f"“{o.title}”（{o.unit.short_name or o.unit.name}，编号{o.pk}）" for o in others)
    return {
        "code": Flag.DUPLICATE,
        "message": f"与已上传的材料 {names} 内容完全相同",
        "others": [o.pk for o in others],
    }


def check_empty(material) -> dict | None:
    if material.current is not None and material.current.size == 0:
        return {"code": Flag.EMPTY, "message": "文件大小为0字节，是空文件"}
    if (
        material.text_status == TextStatus.EMPTY
        and material.current
        and material.current.kind in ("pdf", "docx", "xlsx", "xls")
    ):
        return {"code": Flag.EMPTY, "message": "文件中没有可读取的文字（可能是空白文档或扫描件）"}
    return None


def check_unreadable(material, error: str = "") -> dict | None:
    if material.text_status == TextStatus.FAILED:
        return {"code": Flag.UNREADABLE, "message": f"文件无法打开或已损坏{('：' + error) if error else ''}"}
    return None


def check_better_match(material, text: str, matcher=None) -> dict | None:
    """The text matches another indicator clearly better than the one the material is filed under."""
    if material.item_id is None or len((text or "").strip()) < MIN_TEXT_FOR_MATCH:
        return None
    from shian.evidence.matching import Matcher

    matcher = matcher or Matcher.for_framework(material.campaign.framework_id)
    ranked = matcher.rank(f"{material.title}\n{text}", limit=0)
    if not ranked:
        return None
    filed_indicator = material.item.indicator_id
    best = ranked[0]
    own = max((m.score for m in ranked if m.indicator_id == filed_indicator), default=0.0)
    if best.indicator_id == filed_indicator or best.score < BETTER_MATCH_MIN:
        return None
    if best.score < own * BETTER_MATCH_RATIO:
        return None
    return {
        "code": Flag.BETTER_MATCH,
        "message": f"内容与指标“{best.indicator}”的材料要求“{best.name}”更匹配"
        f"（相似度 {best.score:.2f}，当前指标 {own:.2f}；匹配词：{'、'.join(best.terms)}）",
        "requirement": best.requirement_id,
    }


def run_checks(material, text: str = "", error: str = "", today=None) -> list[dict]:
    flags = [
        check_empty(material),
        check_unreadable(material, error),
        check_duplicate(material),
        check_period(material, today),
        check_better_match(material, text),
    ]
    return [f for f in flags if f]
