"""Ranking periods: month, quarter, half-year and year, as closed date ranges, with their Chinese labels
and the supervision period code ("2026-05", "2026-Q2", "2026-H1", "2026") for indicator signals."""

import datetime

from shian.rankings.choices import PeriodKind

_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
_QUARTERS = "一二三四"


def bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the `kind` period containing `day`."""
    size = _MONTHS[PeriodKind(kind)]
    first_month = (day.month - 1) // size * size + 1
    start = datetime.date(day.year, first_month, 1)
    nxt = shift(kind, start, 1)
    return start, nxt - datetime.timedelta(days=1)


def shift(kind: str, start: datetime.date, n: int) -> datetime.date:
    """The start of the period `n` periods after the one starting at `start` (n may be negative)."""
    index = start.year * 12 + start.month - 1 + n * _MONTHS[PeriodKind(kind)]
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_label(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.QUARTER:
        return f"{start.year}年第{_QUARTERS[(start.month - 1) // 3]}季度"
    if kind == PeriodKind.HALF:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    if kind == PeriodKind.YEAR:
        return f"{start.year}年度"
    return f"{start:%Y年%-m月}"


def supervision_code(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == PeriodKind.HALF:
        return f"{start.year}-H{1 if start.month <= 6 else 2}"
    if kind == PeriodKind.YEAR:
        return f"{start.year}"
    return f"{start:%Y-%m}"


def parse(kind: str, text: str) -> datetime.date:
    """A day inside the period the form names: "2026-05" (month), "2026-Q2", "2026-H1", "2026"; any
    ISO date also works. ValueError otherwise."""
    text = (text or "").strip().upper()
    if len(text) == 4 and text.isdigit():
        return datetime.date(int(text), 1, 1)
    if len(text) == 7 and text[4:6] in ("-Q", "-H"):
        n = int(text[6])
        year = int(text[:4])
        if text[5] == "Q" and 1 <= n <= 4:
            return datetime.date(year, (n - 1) * 3 + 1, 1)
        if text[5] == "H" and n in (1, 2):
            return datetime.date(year, 1 if n == 1 else 7, 1)
        raise ValueError(text)
    if len(text) == 7:
        return datetime.date.fromisoformat(text + "-01")
    return datetime.date.fromisoformat(text)


def kind_of(start: datetime.date, end: datetime.date) -> str:
    """The period kind of the closed range [start, end] (the number of months it spans)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return {1: PeriodKind.MONTH, 3: PeriodKind.QUARTER, 6: PeriodKind.HALF, 12: PeriodKind.YEAR}[months]
