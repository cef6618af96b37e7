"""Matching unit names written in criteria spreadsheets to the units of a region.

Offices write the same unit many ways: "安澜县市场监督管理局", "县市场监管局", "市场监管局",
"县 市场监管局" with a full-width space. A name is tried, in order, against the units' full names,
their short names, and finally a normalised key (full-width → half-width, spaces removed, region
prefixes such as "安澜县" / "中共安澜县委" and a leading 县/市/区 stripped, common long forms replaced
by their short forms). "各乡镇（街道）" means every township unit of the region.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from shian.organisation.choices import UnitKind

# Long official forms → the short forms offices also write; applied to both sides of a comparison.
ALIASES = sorted(
    [
        ("市场监督管理局", "市场监管局"),
        ("卫生健康委员会", "卫健"),
        ("卫生和健康委员会", "卫健"),
        ("卫生健康局", "卫健"),
        ("卫健委", "卫健"),
        ("卫健局", "卫健"),
        ("发展和改革委员会", "发改"),
        ("发展和改革局", "发改"),
        ("发改委", "发改"),
        ("发改局", "发改"),
        ("人力资源和社会保障局", "人社局"),
        ("住房和城乡建设局", "住建局"),
        ("文化广播电视和旅游局", "文广旅局"),
        ("文化和旅游局", "文广旅局"),
        ("文旅局", "文广旅局"),
        ("粮食和物资储备局", "粮储局"),
        ("综合行政执法局", "综合执法局"),
        ("应急管理局", "应急局"),
        ("疾病预防控制中心", "疾控中心"),
        ("供销合作社联合社", "供销社"),
        ("供销合作社", "供销社"),
        ("食品药品安全委员会办公室", "食安办"),
        ("食品安全委员会办公室", "食安办"),
        ("食药安办", "食安办"),
        ("人民政府办公室", "政府办"),
        ("政府办公室", "政府办"),
        ("委员会办公室", "委办"),
        ("委办公室", "委办"),
        ("科学技术局", "科技局"),
        ("医疗保障局", "医保局"),
        ("农业农村局", "农业农村局"),
    ],
    key=lambda pair: -len(pair[0]),
)
ALL_TOWNSHIPS = re.compile(r"^各(乡镇|镇|乡|街道)")
SPLIT_RE = re.compile(r"[、，,；;\n/／]+")
_TOWN_SUFFIX = re.compile(r"^(.+(?:镇|乡|街道))(?:人民政府|政府|办事处)$")
_PAREN_RE = re.compile(r"[（(][^（）()]*[)）]$")
_FULLWIDTH_SPACE = str.maketrans({"\u3000": "", " ": "", "\xa0": "", "\t": ""})


def split_names(text: str | None) -> list[str]:
    """ "县市场监管局、县教育局\n县公安局" → three names (empty parts dropped, order kept, no duplicates)."""
    if not text:
        return []
    names = [re.sub(r"\s+", "", p) for p in SPLIT_RE.split(str(text).replace("\u3000", " "))]
    return list(dict.fromkeys(n for n in names if n))


def _half(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FULLWIDTH_SPACE)


def normalise(name: str, prefixes: list[str]) -> str:
    """The comparison key of a unit name (see module docstring)."""
    key = _half(name)
    any_stripped = False
    key = _PAREN_RE.sub("", key) if not ALL_TOWNSHIPS.match(key) else key
    for long, short in ALIASES:
        key = key.replace(long, short)
    stripped = True
    while stripped:  # "中共安澜县委办" → "安澜县委办" → "委办"
        stripped = False
        for prefix in prefixes:
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                key, stripped, any_stripped = key[len(prefix) :], True, True
                break
    # "县教育局" → "教育局", but not "市场监管局" → "场监管局"
    if not any_stripped and key[:1] in "县市区" and len(key) >= 3 and not key.startswith("市场"):
        key = key[1:]
    key = _TOWN_SUFFIX.sub(r"\1", key)
    return key


def region_prefixes(region) -> list[str]:
    """Name prefixes to strip: "中共安澜县委", "安澜县委", "安澜县", "绵阳市" … longest first."""
    if region is None:
        return ["中共"]
    names = [r.name for r in region.ancestors()] + [region.name]
    out = []
    for n in names:
        out += [f"中共{n}委", f"{n}委", f"{n}人民政府", n]
        # "安澜县" is also written without its suffix
        if len(n) > 2 and n[-1] in "县市区省":
            out.append(n[:-1])
    out.append("中共")
    return sorted(set(out), key=len, reverse=True)


@dataclass
class UnitMatch:
    name: str
    units: list = field(default_factory=list)
    how: str = ""  # exact | short | normalised | group | mapped | created | ""

    @property
    def matched(self) -> bool:
        return bool(self.units)


class UnitMatcher:
    """Resolve unit names against the units of a region subtree (built once, then many lookups)."""

    def __init__(self, region, units=None):
        from shian.organisation.models import Unit

        self.region = region
        if units is None:
            units = (
                list(
                    Unit.objects.filter(region__path__startswith=region.path, is_active=True).select_related(
                        "region"
                    )
                )
                if region is not None
                else []
            )
        self.units = list(units)
        self.prefixes = region_prefixes(region)
        self.by_name, self.by_short, self.by_key = {}, {}, {}
        for u in self.units:
            self.by_name.setdefault(_half(u.name), []).append(u)
            if u.short_name:
                self.by_short.setdefault(_half(u.short_name), []).append(u)
            for text in {u.name, u.short_name} - {""}:
                bucket = self.by_key.setdefault(normalise(text, self.prefixes), [])
                if u not in bucket:
                    bucket.append(u)
        self.townships = [u for u in self.units if u.kind == UnitKind.TOWNSHIP]
        self.mapping: dict[str, object] = {}

    def add_mapping(self, name: str, unit) -> None:
        """Resolve `name` to `unit` from now on (the user's choice in the preview)."""
        self.mapping[name] = unit

    def match(self, name: str) -> UnitMatch:
        if name in self.mapping:
            unit = self.mapping[name]
            return UnitMatch(name, [unit] if unit is not None else [], "mapped")
        half = _half(name)
        if ALL_TOWNSHIPS.match(half) and self.townships:
            return UnitMatch(name, list(self.townships), "group")
        for how, table, key in (
            ("exact", self.by_name, half),
            ("short", self.by_short, half),
            ("normalised", self.by_key, normalise(name, self.prefixes)),
        ):
            found = table.get(key) or []
            if len(found) == 1:
                return UnitMatch(name, found, how)
            if len(found) > 1:
                return UnitMatch(name, [], "ambiguous")
        return UnitMatch(name, [], "")

    def label(self, unit) -> str:
        """How exports write a unit: its short name when that alone identifies it, else its name."""
        if (
            unit.short_name
            and len(self.by_short.get(_half(unit.short_name), [])) <= 1
            and _half(unit.short_name) not in self.by_name
        ):
            return unit.short_name
        return unit.name
