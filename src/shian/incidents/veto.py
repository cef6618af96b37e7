"""The incident register as the source of the assessment's 否决项 answers (registered with
`scoring.hooks.register_veto_source` in `IncidentsConfig.ready()`).

Gates are data (the framework's 否决项 are typed by whoever imports the criteria), so a gate is matched
to what the register can say by its name: 瞒报/谎报/迟报/漏报 → the incidents not reported properly;
事故 → the incidents of a veto level (较大及以上); 事件 or a listed kind (校园、非法添加、农兽药残留、禁限用药物)
→ the confirmed incidents of a veto kind, and those the office declared a veto with a written reason.
A gate the register cannot speak to (创建数据材料弄虚作假) is left to the office (None).
"""

from shian.incidents.choices import VETO_KINDS, VETO_LEVELS
from shian.incidents.figures import incidents_in
from shian.scoring.hooks import Record, VetoFinding

REPORTING = "reporting"  # 瞒报、谎报、迟报
LEVEL = "level"  # 较大及以上事故
KIND = "kind"  # 校园、非法添加 … 事件, and the office's own findings

REPORTING_WORDS = ("瞒报", "谎报", "迟报", "漏报")
KIND_WORDS = ("事件", "校园", "非法添加", "残留", "禁限用", "禁用", "违禁")


def gate_aspects(gate) -> frozenset:
    """Which incidents a 否决项 is about, read from its name (then its description)."""
    for text in (gate.name or "", gate.description or ""):
        if any(w in text for w in REPORTING_WORDS):
            return frozenset({REPORTING})
        found = set()
        if "事故" in text:
            found.add(LEVEL)
        if any(w in text for w in KIND_WORDS):
            found.add(KIND)
        if found:
            return frozenset(found)
    return frozenset()


def incident_aspects(incident) -> frozenset:
    """Why an incident counts against the campaign (empty: it does not)."""
    if incident.veto_override is False:
        return frozenset()
    found = set()
    if incident.level in VETO_LEVELS:
        found.add(LEVEL)
    if incident.kind in VETO_KINDS and incident.confirmed:
        found.add(KIND)
    if incident.concealed or incident.reported_on_time is False:
        found.add(REPORTING)
    if incident.veto_override is True and not found:
        found.add(KIND)  # the office's own finding, with its reason: a 事件 of bad social effect
    return frozenset(found)


def veto_from_register(gate, region, start, end) -> VetoFinding | None:
    aspects = gate_aspects(gate)
    if not aspects:
        return None
    rows = [
        i
        for i in incidents_in(region, start, end).vetoing().order_by("occurred_on", "id")
        if incident_aspects(i) & aspects
    ]
    period = f"{start:%Y年%-m月%-d日}至{end:%Y年%-m月%-d日}"
    if not rows:
        return VetoFinding(False, f"经核查事件登记，{period}{region.name}未登记该类情形")
    records = tuple(
        Record(f"{i.occurred_on:%Y-%m-%d} {i.title}（{'、'.join(i.veto_reasons())}）", i.get_absolute_url())
        for i in rows
    )
    return VetoFinding(True, f"事件登记显示，{period}{region.name}发生{len(rows)}起该类情形", records)
