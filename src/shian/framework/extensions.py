"""Data that higher apps keep per scoring item and that travels with the framework.

The 现场检查 item ↔ 业态 mapping is kept by inspections, yet belongs to the criteria: exported with the
framework (YAML key and xlsx column), read back on import and validated like every other cell, and
copied into the new framework. An app registers an `ItemField` in its AppConfig.ready(); the framework
never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ItemField:
    key: str  # tree / YAML key, e.g. "site_categories"
    label: str  # xlsx column header, e.g. "现场检查业态"
    synonyms: tuple[str, ...]
    # item ids → {item id: [names]}, in one query
    load: Callable[[Iterable[int]], dict[int, list[str]]]
    # names → the ones that are not known (the import then fails naming item and field)
    unknown: Callable[[list[str]], list[str]]
    # {item id: [names]} of a framework just created, inside the import's transaction
    save: Callable[[dict[int, list[str]]], None]


_FIELDS: dict[str, ItemField] = {}


def register_item_field(field: ItemField) -> None:
    _FIELDS[field.key] = field


def item_fields() -> list[ItemField]:
    return list(_FIELDS.values())
