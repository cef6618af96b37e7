"""Cell clean-up and the cell parsers importers declare per column (see shian.core.spreadsheets).

Each parser takes a cleaned cell (str, or the raw number/date from calamine) and returns a value or
raises CellError with a Chinese reason. Framework-free: no Django imports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

# Full-width digits/letters and odd spaces -> ASCII; zero-width characters dropped. Punctuation
# inside cell text is left alone because （）and ， are real content in Chinese prose.
_HALF = {
    c: c - 0xFEE0
    for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for c in range(r[0], r[1] + 1)
}
_HALF.update({0x3000: " ", 0xA0: " ", 0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None})
_HALF.update({c: " " for c in range(0x2002, 0x200B)})

_NOTE_PREFIXES = (
    "备注",
    "注：",
    "注:",
    "说明：",
    "说明:",
    "填表说明",
    "填表人",
    "制表人",
    "填报人",
    "审核人",
)
_SPACE_RE = re.compile(r"\s+")
_UNIT_RE = re.compile(r"\([^()]*\)$")


class CellError(ValueError):
    """Raised by a parser with a Chinese reason, e.g. ``CellError("不是有效的数字")``."""


class SpreadsheetError(Exception):
    """The file cannot be read at all (not a spreadsheet, corrupt, HTML saved as .xls ...)."""


# ---------------------------------------------------------------------------------------- cells


def _clean(v: Any) -> Any:
    """Normalise one raw cell: text is half-width, stripped, \\n-only; blanks become None."""
    if type(v) is str:
        if not v:
            return None
        if not v.isascii():
            v = v.translate(_HALF)
        if "\r" in v:
            v = v.replace("\r\n", "\n").replace("\r", "\n")
        v = v.strip()
        if "\n" in v:
            v = "\n".join(line.strip() for line in v.split("\n"))
        return v or None
    return v


def _norm_header(v: Any) -> str | None:
    """Header text for matching: NFKC, no whitespace, case-folded, no */: decoration."""
    if type(v) is not str or not v:
        return None
    v = unicodedata.normalize("NFKC", v.translate(_HALF))
    v = _SPACE_RE.sub("", v).casefold().strip("*").rstrip(":")
    return v or None


def _col_letter(idx: int) -> str:
    letters = ""
    idx += 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -------------------------------------------------------------------------------------- parsers


def parse_text(v: Any) -> str:
    """Any cell as text; 3.0 -> "3", dates -> ISO, booleans -> 是/否."""
    if type(v) is str:
        return v
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else format(v, ".15g")
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


_NUM_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def parse_decimal(v: Any) -> Decimal:
    """A number as Decimal; text takes the leading number ("3分", "0.5分/项", "１,２００")."""
    if isinstance(v, bool):
        raise CellError("不是有效的数字")
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(int(v)) if v.is_integer() else Decimal(repr(v))
    if type(v) is not str:
        raise CellError("不是有效的数字")
    s = v.replace("．", ".").replace("，", ",").replace("－", "-").replace("＋", "+").strip()
    m = _NUM_RE.match(s)
    rest = s[m.end() :] if m else ""
    # "3.5.6" or "12,34" are typos, not a number followed by a unit
    if not m or (rest and (rest[0].isdigit() or rest[:1] in ".," and rest[1:2].isdigit())):
        raise CellError("不是有效的数字")
    try:
        return Decimal(m.group().replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        raise CellError("不是有效的数字")


def parse_int(v: Any) -> int:
    """A whole number; "3分" -> 3, "3.0" -> 3, "3.5" is an error."""
    try:
        d = parse_decimal(v)
    except CellError:
        raise CellError("不是有效的整数")
    if d != d.to_integral_value():
        raise CellError("不是有效的整数")
    return int(d)


_EXCEL_EPOCH = dt.date(1899, 12, 30)
# 2022年6月30日 / 2022.6.30 / 2022-06-30 08:30 / 2022年6月 / 2022年6月底前 / 2022年底
_DATE_RE = re.compile(
    r"(\d{4})\s*[年./-]\s*(?:(\d{1,2})\s*(?:月\s*)?(?:[./-]?\s*(\d{1,2})\s*[日号]?)?)?\s*(年?[底末])?"
    r"(?:\s*[T\s]\s*\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?\s*(?:之前|以前|前)?$"
)


def _make_date(y: int, m: int, d: int | None) -> dt.date:
    """d=None means the last day of the month (6月底)."""
    try:
        return dt.date(y, m, d or calendar.monthrange(y, m)[1])
    except (ValueError, calendar.IllegalMonthError):
        raise CellError("日期无效")


def _serial_date(n: float) -> dt.date:
    if 10_000_000 <= n <= 29_991_231 and float(n).is_integer():  # a number typed as 20220630
        return _make_date(int(n) // 10000, int(n) // 100 % 100, int(n) % 100)
    if not 1 <= n <= 2_958_465:  # Excel's own range: 1900-01-01 .. 9999-12-31
        raise CellError("不是有效的日期")
    return _EXCEL_EPOCH + dt.timedelta(days=int(n))


def parse_date(v: Any) -> dt.date:
    """A date from 2022年6月30日, 2022.6.30, 2022/06/30, 2022-6-30, 20220630, Excel serials
    (44742) and date objects. "2022年6月" is the 1st of June; "6月底(前)" and "2022年底" are
    the last day of the month/year; a trailing 前/以前/之前 is ignored (deadlines)."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        return _serial_date(v)
    s = v.strip() if type(v) is str else ""
    m = _DATE_RE.match(s)
    if m and (m.group(2) or m.group(4)):
        year, month, day, end = m.groups()
        if month is None:
            return _make_date(int(year), 12, 31)
        return _make_date(int(year), int(month), int(day) if day else (None if end else 1))
    if s.isdigit() and len(s) == 8:
        return _make_date(int(s[:4]), int(s[4:6]), int(s[6:]))
    if re.fullmatch(r"\d{5}(?:\.\d+)?", s):
        return _serial_date(float(s))
    raise CellError("不是有效的日期")


_TRUE = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "1", "对", "有"})
_FALSE = frozenset({"否", "×", "✗", "✘", "x", "n", "no", "false", "0", "错", "无"})


def parse_bool(v: Any) -> bool:
    """是/否, √/×, Y/N, 1/0 (and true/false, 对/错, 有/无)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return bool(v)
    s = str(v).strip().casefold()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CellError("不是有效的是/否值（可填：是、否）")


def parse_choice(mapping: Mapping[str, Any] | Iterable[str]) -> Callable[[Any], Any]:
    """Parser factory: the cell must be one of the mapping's keys (compared like headers,
    so "Ａ级 " matches "A级"); returns the mapped value. An iterable maps to itself."""
    if not isinstance(mapping, Mapping):
        mapping = {k: k for k in mapping}
    table = {_norm_header(k): val for k, val in mapping.items()}
    hint = "、".join(mapping)

    def parse(v: Any) -> Any:
        key = _norm_header(parse_text(v))
        if key not in table:
            raise CellError(f"不是可选的值（可选：{hint}）")
        return table[key]

    return parse


_LIST_RE = re.compile(r"[、，,；;\n]+")


def parse_list(v: Any) -> list[str]:
    """Split names on 、，,；; and newlines: "市场监管局、卫健委\\n公安局" -> three names."""
    return [p.strip() for p in _LIST_RE.split(parse_text(v)) if p.strip()]


# ---------------------------------------------------------------------------- columns & errors
