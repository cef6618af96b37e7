"""One rounding rule per kind of figure, used by pages, charts, exports and documents alike.

- rates (完成率, 按时报送率, 合格率 …): percent with 1 decimal (`RATE_PLACES`), half up; a criteria
  item that asks for another precision passes `places` explicitly;
- money in 万元: 2 decimals (`WAN_PLACES`), half up; under 1万元 it is written in 元 (no decimals
  unless the amount has them);
- counts are integers.

So "99.15%" in a sentence and "99.1%" in the table cannot happen: both come from `rate()`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = 1
WAN_PLACES = 2


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _strip(d: Decimal) -> str:
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def rate(part, whole, places: int = RATE_PLACES) -> Decimal | None:
    """part / whole as a percentage rounded to `places`; None when there is nothing to divide."""
    if not whole:
        return None
    return (_dec(part) * 100 / _dec(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rate_text(part, whole, places: int = RATE_PLACES, empty: str = "0%") -> str:
    """ "87.5%" (trailing zeros dropped: 50.0 → "50%"); `empty` when there is nothing to divide."""
    r = rate(part, whole, places)
    return empty if r is None else f"{_strip(r)}%"


def percent_text(value, places: int = RATE_PLACES) -> str:
    """An already computed percentage (e.g. an indicator value 98.666) → "98.7%"."""
    if value is None:
        return "—"
    return f"{_strip(_dec(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))}%"


def wan_yuan(amount_yuan) -> Decimal:
    """Yuan → 万元 with 2 decimals."""
    return (_dec(amount_yuan) / 10000).quantize(Decimal(1).scaleb(-WAN_PLACES), rounding=ROUND_HALF_UP)


def money_text(amount_yuan) -> str:
    """2572091 → "257.21万元", 10000 → "1万元", 8500 → "8500元"."""
    amount = _dec(amount_yuan)
    if abs(amount) >= 10000:
        return f"{_strip(wan_yuan(amount))}万元"
    return f"{_strip(amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}元"


def fines_and_confiscation(fines, confiscated) -> dict:
    """罚没 = 罚款 + 没收 (each part kept, so a document can show them)."""
    fines, confiscated = _dec(fines), _dec(confiscated)
    return {"fines": fines, "confiscated": confiscated, "total": fines + confiscated}


def fines_text(parts: dict) -> str:
    """ "罚没款257.21万元（其中罚款200万元、没收违法所得57.21万元）" — the parts only when both exist."""
    text = f"罚没款{money_text(parts['total'])}"
    if parts["fines"] and parts["confiscated"]:
        text += f"（其中罚款{money_text(parts['fines'])}、没收违法所得{money_text(parts['confiscated'])}）"
    return text


def rate_float(part, whole, places: int = RATE_PLACES) -> float | None:
    """`rate()` as a float (JSON, charts), None when there is nothing to divide."""
    r = rate(part, whole, places)
    return None if r is None else float(r)
