"""红黑榜通报 (GB/T 9704 .docx). Every figure comes from the frozen run, nothing is recomputed."""

from shian.core import gbt9704 as g


def table_rows(run) -> tuple[list[str], list[list[str]]]:
    keys = list(run.weights)
    header = ["名次", "单位", *[run.labels.get(k, k) for k in keys], "综合得分", "榜单"]
    rows = []
    for e in run.entries:
        rows.append(
            [
                str(e["rank"]) if e["rank"] is not None else "—",
                e["unit"],
                *[("—" if e["values"].get(k) is None else f"{e['values'][k]:g}") for k in keys],
                "—" if e["score"] is None else f"{e['score']:g}",
                {"red": "红榜", "black": "黑榜"}.get(e["list"], ""),
            ]
        )
    return header, rows


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
        g.Heading("排名情况"),
        g.Table(header, rows, font_size_pt=10.5),
        g.Signature(organisation, run.computed_at.date()),
    ]


def to_docx(run, organisation: str) -> bytes:
    return g.to_bytes(g.render(blocks(run, organisation)))
