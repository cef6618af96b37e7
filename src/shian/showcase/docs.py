"""The 示范引领 project portfolio (申报材料) as a GB/T 9704 .docx, and a project's 答辩 pack (.zip)."""

import io
import zipfile
from pathlib import PurePosixPath

from django.utils import timezone

from shian.core import gbt9704 as g
from shian.showcase.choices import RUBRIC
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


# ------------------------------------------------------------------------------ 答辩 pack


def outline_blocks(project, points=None) -> list:
    """答辩提纲: one heading per slide with the points to say, drawn from the project's own texts,
    milestones and evidence (a slide deck is made from it; no .pptx is generated)."""

    def first_sentences(text, n=3):
        parts = [s.strip() for s in (text or "").replace("\n", "。").split("。") if s.strip()]
        return parts[:n] or ["（未填写）"]

    slides = [
        (
            "项目概况",
            [
                f"项目名称：{project.title}",
                f"方向：{project.get_direction_display()}",
                f"牵头单位：{project.lead_unit}"
                + (f"；协作单位：{project.partners}" if project.partners else ""),
            ]
            + ([f"对应评分项：{project.item.code} {project.item.content[:40]}"] if project.item_id else []),
        ),
        ("背景与针对性", first_sentences(project.practice, 2)),
        ("主要做法", first_sentences(project.practice)),
        ("取得成效", first_sentences(project.results)),
        ("创新性", first_sentences(project.innovation)),
        ("可复制可推广性", first_sentences(project.replicability)),
    ]
    ms = list(project.milestones.all())
    if ms:
        slides.append(
            (
                "实施节点",
                [f"{m.due_on:%Y年%-m月}：{m.title}（{'已完成' if m.done_on else '推进中'}）" for m in ms],
            )
        )
    files = list(project.files.all())
    if files:
        slides.append(("佐证与媒体报道", [f"{f.get_kind_display()}：{f.original_name}" for f in files[:8]]))
    review = [
        f"{label}：{getattr(project, name)}分" for name, label in RUBRIC if getattr(project, name) is not None
    ]
    if review:
        slides.append(
            ("预审评分与意见", review + ([project.review_comment] if project.review_comment else []))
        )
    blocks = [g.Title(f"“{project.title}”答辩提纲"), g.Subtitle(f"{project.campaign.name}·示范引领项目")]
    if points is not None:
        blocks.append(g.Paragraph(f"按预审评分折算，本项目可得示范引领加分{points:f}分。"))
    for n, (heading, lines) in enumerate(slides, 1):
        blocks.append(g.Heading(f"第{n}页　{heading}"))
        for line in lines:
            blocks.append(g.Paragraph(f"· {line}", indent=False))
    return blocks


def pack_zip(project) -> bytes:
    """答辩材料包: 申报材料 (GB/T 9704 .docx), 答辩提纲 (.docx) and the project's evidence files."""
    from shian.showcase.bonus import project_points

    points = project_points(project, project.item) if project.item_id else None
    points = round(points, 2).normalize() if points is not None else None
    buf = io.BytesIO()
    used = set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("01申报材料.docx", portfolio_docx(project.campaign, [project]))
        zf.writestr("02答辩提纲.docx", g.to_bytes(g.render(outline_blocks(project, points))))
        listing = []
        for n, f in enumerate(project.files.all(), 1):
            name = PurePosixPath(f.original_name).name or f"file{n}"
            if name in used:
                name = f"{n}-{name}"
            used.add(name)
            with f.file.open("rb") as fh:
                zf.writestr(f"03佐证材料/{name}", fh.read())
            listing.append(f"{n}. {name}（{f.get_kind_display()}）")
        zf.writestr("03佐证材料/清单.txt", "\n".join(listing or ["（无佐证材料）"]) + "\n")
    return buf.getvalue()
