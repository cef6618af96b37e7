"""Reporting periods: "2022", "2022-H1", "2022-Q3", "2022-06", "2020..2022", "R12:2022-06".

A period is a closed range of months, compared against the records' stored `ym` (year*100+month),
so aggregations need no date truncation.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from shian.supervision.choices import PeriodKind


def ym_add(ym: int, months: int) -> int:
    index = (ym // 100) * 12 + (ym % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


@dataclass(frozen=True)
class Period:
    start_ym: int
    end_ym: int
    label: str
    code: str

    @property
    def months(self) -> int:
        return (self.end_ym // 100 - self.start_ym // 100) * 12 + self.end_ym % 100 - self.start_ym % 100 + 1

    @property
    def years(self):
        from decimal import Decimal

        return Decimal(self.months) / 12

    def shifted_years(self, years: int) -> "Period":
        code = _shift_code(self.code, years)
        return parse_period(code)

    @property
    def year(self) -> int:
        return self.end_ym // 100

    @property
    def start_date(self) -> datetime.date:
        return datetime.date(self.start_ym // 100, self.start_ym % 100, 1)


def _shift_code(code: str, years: int) -> str:
    return re.sub(r"\d{4}", lambda m: str(int(m.group()) + years), code)


_PATTERNS = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-?H([12])$", re.I), "half"),
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.I), "quarter"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^R12:(\d{4})-(\d{1,2})$", re.I), "rolling12"),
    (re.compile(r"^(\d{4})(?:-(\d{1,2}))?\.\.(\d{4})(?:-(\d{1,2}))?$"), "range"),
]


def parse_period(text: str) -> Period:
    """Parse a period code; a ValidationError names the accepted forms."""
    text = (text or "").strip().replace("～", "..").replace("~", "..").replace("—", "..")
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        g = m.groups()
        y = int(g[0])
        if kind == "year":
            return Period(y * 100 + 1, y * 100 + 12, f"{y}年", f"{y}")
        if kind == "half":
            h = int(g[1])
            return Period(
                y * 100 + (1 if h == 1 else 7),
                y * 100 + (6 if h == 1 else 12),
                f"{y}年{'上' if h == 1 else '下'}半年",
                f"{y}-H{h}",
            )
        if kind == "quarter":
            q = int(g[1])
            return Period(
                y * 100 + 3 * q - 2, y * 100 + 3 * q, f"{y}年第{'一二三四'[q - 1]}季度", f"{y}-Q{q}"
            )
        if kind == "month":
            mth = int(g[1])
            if not 1 <= mth <= 12:
                break
            return Period(y * 100 + mth, y * 100 + mth, f"{y}年{mth}月", f"{y}-{mth:02d}")
        if kind == "rolling12":
            mth = int(g[1])
            if not 1 <= mth <= 12:
                break
            end = y * 100 + mth
            start = ym_add(end, -11)
            return Period(
                start,
                end,
                f"{start // 100}年{start % 100}月至{y}年{mth}月（滚动12个月）",
                f"R12:{y}-{mth:02d}",
            )
        if kind == "range":
            y2 = int(g[2])
            m1 = int(g[1]) if g[1] else 1
            m2 = int(g[3]) if g[3] else 12
            start, end = y * 100 + m1, y2 * 100 + m2
            if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or start > end:
                break
            if m1 == 1 and m2 == 12:
                return Period(start, end, f"{y}—{y2}年", f"{y}..{y2}")
            return Period(start, end, f"{y}年{m1}月—{y2}年{m2}月", f"{y}-{m1:02d}..{y2}-{m2:02d}")
    raise ValidationError(
        {"period": f"期间“{text}”无法识别，应为 2022、2022-H1、2022-Q3、2022-06、2020..2022 或 R12:2022-06"}
    )


def review_date(campaign):
    """The date of the campaign's next (or last) review milestone, or None."""
    if campaign is None:
        return None
    kinds = ["provincial_review", "national_acceptance", "re_review"]
    milestone = campaign.milestones.filter(kind__in=kinds).order_by("date").first()
    return milestone.date if milestone else None


def default_period(kind: str, today: datetime.date, campaign=None) -> Period:
    """The period an indicator is judged on by default, relative to `today`.

    Year / half / quarter / month: the last *complete* such period before today; rolling 12 months:
    the 12 months ending with the last complete month; review3: the three calendar years before the
    year of the campaign's review (or before this year without one).
    """
    last_month = ym_add(today.year * 100 + today.month, -1)
    ly, lm = last_month // 100, last_month % 100
    if kind == PeriodKind.YEAR:
        return parse_period(str(today.year - 1))
    if kind == PeriodKind.MONTH:
        return parse_period(f"{ly}-{lm:02d}")
    if kind == PeriodKind.QUARTER:
        q = (today.month - 1) // 3  # current quarter index 0..3; previous complete one:
        return parse_period(f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4")
    if kind == PeriodKind.HALF:
        return parse_period(f"{today.year}-H1" if today.month > 6 else f"{today.year - 1}-H2")
    if kind == PeriodKind.ROLLING12:
        return parse_period(f"R12:{ly}-{lm:02d}")
    review = review_date(campaign)
    year = review.year if review else today.year
    return parse_period(f"{year - 3}..{year - 1}")


def period_for(text_or_kind: str | None, kind: str, today: datetime.date, campaign=None) -> Period:
    """Parse an explicit period, or resolve "review" / empty to the indicator's default."""
    if not text_or_kind:
        return default_period(kind, today, campaign)
    if text_or_kind.strip().lower() == "review":
        return default_period(PeriodKind.REVIEW3, today, campaign)
    return parse_period(text_or_kind)
