"""Ranking signals as a registry.

A signal is one figure per subject (unit id → value, higher is better) for a campaign and a period.
The apps below rankings are read in `builtin_signals` (through their figures where they have them);
a family (`register_family`) is a signal per data row, e.g. one per supervision indicator. A subject missing from a signal's answer
has no data for it; the scheme decides how that scores (see services.score_entries).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Signal:
    key: str
    label: str
    unit_kind: str  # "member", "township" or "any": which subjects it can rank
    compute: Callable


_SIGNALS: dict[str, Signal] = {}
# prefix → (resolve(rest) -> Signal | None, listing() -> [Signal]): signals that are data, e.g. one
# per supervision indicator ("indicator:<code>").
_FAMILIES: dict[str, tuple[Callable, Callable]] = {}


def register_family(prefix: str, resolve: Callable, listing: Callable) -> None:
    """Register a family of signals keyed "<prefix>:<rest>", resolved when asked for."""
    _FAMILIES[prefix] = (resolve, listing)


def register_signal(key: str, label: str, unit_kind: str, compute: Callable) -> Signal:
    """Register (or replace, so a reload is harmless) the signal `key`."""
    signal = Signal(key, label, unit_kind, compute)
    _SIGNALS[key] = signal
    return signal


def get_signal(key: str) -> Signal:
    if key in _SIGNALS:
        return _SIGNALS[key]
    prefix, _, rest = key.partition(":")
    if rest and prefix in _FAMILIES:
        signal = _FAMILIES[prefix][0](rest)
        if signal is not None:
            return signal
    raise KeyError(f"未登记的排名指标：{key}")


def all_signals() -> list[Signal]:
    """The fixed signals and every member of each family (a family's listing may query)."""
    family = [s for resolve, listing in _FAMILIES.values() for s in listing()]
    return sorted([*_SIGNALS.values(), *family], key=lambda s: s.key)


def choices() -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in all_signals()]
