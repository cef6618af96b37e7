"""The 示范引领 project portfolio (申报材料) as a GB/T 9704 .docx."""

from django.utils import timezone

from shian.core import gbt9704 as g
from shian.showcase.services import progress

TEXTS = (
    ("practice", "主要做法"),
    ("results", "取得成效"),
    ("innovation", "创新性"),
    ("replicability", "可复制可推广性"),
)


def portfolio_blocks(campaign, projects) -> list:
    blocks = [g.Title(f"{campaign.region.name}示范引领项目申报材料"), g.Subtitle(campaign.name)]
    rows = []
    for row in progress(projects):
        p = row["project"]
        rows.append(
            [
                p.title,
                p.get_direction_display(),
                str(p.lead_unit),
                p.get_status_display(),
                f"{row['done']}/{row['total']}",
            ]
        )
    blocks.append(g.Heading("项目总览"))
    blocks.append(g.Table(["项目名称", "方向", "牵头单位", "状态", "节点完成"], rows))
    for p in projects:
        blocks.append(g.PageBreak())
        blocks.append(g.Heading(p.title))
        meta = f"方向：{p.get_direction_display()}；牵头单位：{p.lead_unit}"
        if p.partners:
            meta += f"；协作单位：{p.partners}"
        if p.item_id:
            meta += f"；对应评分项：{p.item.code} {p.item.content[:40]}"
        blocks.append(g.Paragraph(meta))
        for field, label in TEXTS:
            blocks.append(g.Heading(label, level=2))
            blocks.append(g.Paragraph(getattr(p, field) or "（未填写）"))
        ms = list(p.milestones.all())
        if ms:
            blocks.append(g.Heading("实施节点", level=2))
            blocks.append(
                g.Table(
                    ["阶段目标", "计划完成", "实际完成", "完成情况"],
                    [
                        [
                            m.title,
                            f"{m.due_on:%Y-%m-%d}",
                            f"{m.done_on:%Y-%m-%d}" if m.done_on else "未完成",
                            m.note,
                        ]
                        for m in ms
                    ],
                )
            )
        files = list(p.files.all())
        if files:
            blocks.append(g.Heading("佐证材料清单", level=2))
            for i, f in enumerate(files, 1):
                blocks.append(g.Paragraph(f"{i}. {f.original_name}（{f.get_kind_display()}）"))
    blocks.append(g.Signature(f"{campaign.region.name}食品安全委员会办公室", timezone.localdate()))
    return blocks


def portfolio_docx(campaign, projects) -> bytes:
    return g.to_bytes(g.render(portfolio_blocks(campaign, projects)))
