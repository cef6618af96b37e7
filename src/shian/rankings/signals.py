"""Ranking signals as a registry.

A signal is one figure per subject (unit id → value, higher is better) for a campaign and a period.
Apps register theirs with `register_signal` (the apps below rankings in `builtin_signals`, apps above
or beside it — 包保, surveys — from their AppConfig.ready). A subject missing from a signal's answer
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


def register_signal(key: str, label: str, unit_kind: str, compute: Callable) -> Signal:
    """Register (or replace, so a reload is harmless) the signal `key`."""
    signal = Signal(key, label, unit_kind, compute)
    _SIGNALS[key] = signal
    return signal


def get_signal(key: str) -> Signal:
    try:
        return _SIGNALS[key]
    except KeyError:
        raise KeyError(f"未登记的排名指标：{key}") from None


def all_signals() -> list[Signal]:
    return sorted(_SIGNALS.values(), key=lambda s: s.key)


def choices() -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in all_signals()]
