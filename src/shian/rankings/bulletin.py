"""红黑榜通报 (GB/T 9704 .docx). Every figure comes from the frozen run, nothing is recomputed."""

from shian.core import gbt9704 as g


def table_rows(run) -> tuple[list[str], list[list[str]]]:
    """The ranking table of the page, the xlsx and the 通报: a 加减分 column when the run has any, and
    降级 shown beside the list."""
    keys = list(run.weights)
    with_adjust = any(e.get("adjust") for e in run.entries)
    header = [
        "名次",
        "单位",
        *[run.labels.get(k, k) for k in keys],
        *(["加减分"] if with_adjust else []),
        "综合得分",
        "榜单",
    ]
    rows = []
    for e in run.entries:
        listed = {"red": "红榜", "black": "黑榜"}.get(e["list"], "")
        rows.append(
            [
                str(e["rank"]) if e["rank"] is not None else "—",
                e["unit"],
                *[("—" if e["values"].get(k) is None else f"{e['values'][k]:g}") for k in keys],
                *([f"{e.get('adjust') or 0:+g}" if e.get("adjust") else ""] if with_adjust else []),
                "—" if e["score"] is None else f"{e['score']:g}",
                f"{listed}（降级）" if e.get("demoted") else listed,
            ]
        )
    return header, rows


def breakdown(run, entry) -> list[dict]:
    """ "Why this rank": each signal's raw value, normalised score, weight share and points, then the
    加减分 and any 降级 — every figure from the frozen entry."""
    rows = []
    parts = entry.get("parts", {})
    for k in run.weights:
        p = parts.get(k, {})
        rows.append(
            {
                "label": run.labels.get(k, k),
                "raw": entry["values"].get(k),
                "norm": p.get("norm"),
                "share": None if p.get("points") is None else round(100 * p.get("share", 0), 1),
                "points": p.get("points"),
            }
        )
    return rows


def blocks(run, organisation: str):
    header, rows = table_rows(run)
    red = "、".join(e["unit"] for e in run.red_list()) or "无"
    black = "、".join(e["unit"] for e in run.black_list()) or "无"
    return [
        g.Title(f"关于{run.period_label}{run.scheme.name}红黑榜的通报"),
        g.Addressee("各乡镇（街道）、县食安委各成员单位"),
        g.Paragraph(
            f"根据{run.scheme.name}，现将{run.period_start:%Y年%-m月%-d日}至{run.period_end:%Y年%-m月%-d日}"
            f"排名情况通报如下。"
        ),
        g.Heading("红榜", body=f"{red}。"),
        g.Heading("黑榜", body=f"{black}。请上榜单位认真分析原因，限期整改。"),
        *_demotion_blocks(run),
        g.Heading("排名情况"),
        g.Table(header, rows, font_size_pt=10.5),
        *_appeal_blocks(run),
        g.Signature(organisation, (run.published_at or run.computed_at).date()),
    ]


def to_docx(run, organisation: str) -> bytes:
    return g.to_bytes(g.render(blocks(run, organisation)))


def _appeal_blocks(run):
    replies = [a for a in run.appeals.select_related("unit").order_by("created_at") if a.reply]
    if run.supersedes_id:
        replies += [
            a for a in run.supersedes.appeals.select_related("unit").order_by("created_at") if a.reply
        ]
    if not replies:
        return []
    body = "".join(f"{a.unit}：{a.get_status_display()}。{a.reply}" for a in replies)
    return [g.Heading("申诉处理情况", body=body)]


def _demotion_blocks(run):
    demoted = [e for e in run.entries if e.get("demoted")]
    if not demoted:
        return []
    return [g.Heading("降级情形", body="".join(f"{e['unit']}：{e['demoted']}。" for e in demoted))]
