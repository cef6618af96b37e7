"""The standard figure set offices quote (抽检, 投诉举报, 案件 and 罚没, 移送公安, 培训人次, 阳光食品,
食责险), worded once for every document kind from `sources.supervision_figures`.

Each phrase appears only when the records hold the figure; nothing is padded with zeros.
"""

from __future__ import annotations

from shian.core.figures import fines_text, rate_text
from shian.reports.documents.base import num, pct


def sampling_share(sup) -> str | None:
    """ "完成全年任务（年度抽检计划3300批次）的51.8%" or None without a target."""
    if not sup or not sup["annual_target"] or not sup["sampling"]["food"]:
        return None
    return rate_text(sup["sampling"]["food"], sup["annual_target"])


def phrases(sup) -> list[str]:
    """Clauses for one sentence: "完成食品抽检1709批次，…；受理投诉举报…；…"."""
    if not sup:
        return []
    s, c, k, m = sup["sampling"], sup["complaints"], sup["cases"], sup.get("metrics") or {}
    out = []
    if s["food"]:
        text = f"完成食品抽检{s['food']}批次"
        share = sampling_share(sup)
        if share:
            text += f"，完成全年任务（{sup['target_basis']}{num(sup['annual_target'])}批次）的{share}"
        if s["failed"]:
            text += f"，检出不合格{s['failed']}批次、已核查处置{s['disposed']}批次"
        out.append(text)
    if c["total"]:
        out.append(
            f"受理投诉举报{c['total']}件、办结{c['closed']}件，按时办结率{rate_text(c['on_time'], c['total'])}"
        )
    if k["total"]:
        text = f"查办食品安全案件{k['total']}件，{fines_text(k['money'])}"
        if k["police"]:
            text += f"，移送公安机关{k['police']}件"
        out.append(text)
    if "trainees" in m:
        out.append(f"开展食品安全培训{num(m['trainees'][1])}人次")
    if "sunshine_registered" in m:
        out.append(f"阳光食品APP注册主体{num(m['sunshine_registered'][1])}户")
    if "insured_units" in m:
        out.append(f"食品安全责任保险投保主体{num(m['insured_units'][1])}户")
    return out


def figures_of(sup) -> dict:
    """The same figures as data (kept with each generated version, and checked by the tests)."""
    if not sup:
        return {}
    s, c, k, m = sup["sampling"], sup["complaints"], sup["cases"], sup.get("metrics") or {}
    out = {
        "sampling": s["food"],
        "sampling_failed": s["failed"],
        "sampling_disposed": s["disposed"],
        "complaints": c["total"],
        "complaints_closed": c["closed"],
        "complaints_on_time": c["on_time"],
        "cases": k["total"],
        "police": k["police"],
        "fines": str(k["money"]["fines"]),
        "confiscated": str(k["money"]["confiscated"]),
        "fines_total": str(k["money"]["total"]),
    }
    if sup["annual_target"]:
        out.update(
            annual_target=str(sup["annual_target"]),
            target_basis=sup["target_basis"],
            sampling_share=sampling_share(sup),
        )
    for key, (_label, value, _unit) in m.items():
        out[key] = str(value)
    return out


def special_phrases(specials) -> list[str]:
    """One clause per 专项整治 (`sources.special_figures`): its target — or, without one, the businesses
    it covers — against the businesses done."""
    out = []
    for row in specials:
        if row["target"]:
            out.append(
                f"{row['title']}目标整治{row['target']}户、已完成{row['done']}户，"
                f"完成率{pct(row['done'], row['target'])}"
            )
        else:
            out.append(f"{row['title']}纳入整治{row['covered']}户、已完成{row['done']}户")
    return out
