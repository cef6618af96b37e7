"""Where an assessment's answers come from when the apps above scoring know them.

Scoring sits below the registers that know whether a 否决项 happened (incidents) or what a 示范引领 item
earns (showcase), so those apps register a function here in their `AppConfig.ready()` and scoring asks
the registry; it never imports them.

- A **veto source** is `fn(gate, region, start, end) -> VetoFinding | None`: what its register says about
  one 否决项 over the criteria's period for `region`'s subtree; None when the gate is not its business.
- A **bonus source** is `fn(campaign, item) -> BonusFinding | None`: the points a 示范引领 (bonus) item
  earns from its register; None when nothing answers the item.

The first source that answers wins (apps register in INSTALLED_APPS order). Sources read without
scoping: the caller has already decided the user may run the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

_VETO_SOURCES: list = []
_BONUS_SOURCES: list = []


@dataclass(frozen=True)
class Record:
    """One register row an answer rests on, as the assessment links it."""

    label: str
    url: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, "url": self.url}


@dataclass(frozen=True)
class VetoFinding:
    occurred: bool
    basis: str  # one Chinese sentence: what was counted over which period
    records: tuple[Record, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BonusFinding:
    points: Decimal  # before the item's value and step; scoring caps and rounds
    basis: str
    records: tuple[Record, ...] = field(default_factory=tuple)


def register_veto_source(fn):
    if fn not in _VETO_SOURCES:
        _VETO_SOURCES.append(fn)
    return fn


def register_bonus_source(fn):
    if fn not in _BONUS_SOURCES:
        _BONUS_SOURCES.append(fn)
    return fn


def find_veto(gate, region, start, end) -> VetoFinding | None:
    for fn in _VETO_SOURCES:
        finding = fn(gate, region, start, end)
        if finding is not None:
            return finding
    return None


def find_bonus(campaign, item) -> BonusFinding | None:
    for fn in _BONUS_SOURCES:
        finding = fn(campaign, item)
        if finding is not None:
            return finding
    return None


def has_bonus_sources() -> bool:
    return bool(_BONUS_SOURCES)
