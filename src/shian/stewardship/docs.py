"""三张清单一承诺书 of a cadre (包保主体清单、责任清单、任务清单 and the 承诺书) in GB/T 9704 layout."""

import datetime

from shian.core import gbt9704 as g
from shian.stewardship import services

RESPONSIBILITIES = (
    "督促包保主体落实食品安全主体责任，建立并落实食品安全总监、食品安全员制度和“日管控、周排查、月调度”工作机制。",
    "按规定频次对包保主体开展督导，按“一看、二查、三问、四记、五反馈”五步法检查并如实记录。",
    "督促包保主体对督导发现的问题限期整改，下次督导时复查整改情况，问题未整改的及时报告属地监管部门。",
    "发现食品安全风险隐患和违法违规线索的，第一时间向乡镇（街道）食品安全办和市场监管所报告。",
    "配合开展食品安全宣传，督促主体从业人员参加培训，做到“能问能答”。",
)

STEPS = (
    ("一看", "证照是否齐全有效并公示，健康证明是否在有效期内"),
    ("二查", "食品安全管理制度、进货查验、留样、清洗消毒等台账是否建立并如实记录"),
    ("三问", "负责人和从业人员是否掌握食品安全基本知识，做到能问能答"),
    ("四记", "如实记录发现的问题"),
    ("五反馈", "向主体反馈问题并提出整改要求，跟踪整改到位"),
)


def commitment_blocks(cadre, year: int, today: datetime.date | None = None) -> list:
    today = today or datetime.date.today()
    rule = services.rules().get(cadre.level)
    per_year = rule.visits_per_year if rule else 0
    bindings = cadre.bindings.filter(is_active=True).select_related("business__category", "business__region")
    rows = [
        [
            str(i),
            b.business.name,
            str(b.business.category),
            b.business.address or b.business.region.name,
            b.business.get_baobao_level_display() or "—",
            b.business.get_risk_grade_display() or "—",
        ]
        for i, b in enumerate(bindings, start=1)
    ]
    who = f"{cadre.region.name} {cadre.name}（{cadre.get_level_display()}包保干部{('，' + cadre.post) if cadre.post else ''}）"
    blocks = [
        g.Title(f"{year}年度食品安全包保干部\n“三张清单一承诺书”"),
        g.Subtitle(who),
        g.Heading("包保主体清单"),
        g.Paragraph(f"本人包保以下{len(rows)}家食品生产经营主体："),
        g.Table(
            ["序号", "主体名称", "业态", "地址", "包保层级", "风险等级"],
            rows or [["—", "暂无", "", "", "", ""]],
            col_widths_mm=[12, 44, 26, 38, 22, 14],
            font_size_pt=10.5,
        ),
        g.Heading("责任清单"),
    ]
    blocks += [g.Paragraph(f"{i}.{text}") for i, text in enumerate(RESPONSIBILITIES, start=1)]
    blocks.append(g.Heading("任务清单"))
    interval = f"，约每{365 // per_year}天一次" if per_year else ""
    tasks = [
        [
            "1",
            "督导频次",
            f"按层级对应规则，{cadre.get_level_display()}干部对每个包保主体每年督导不少于{per_year}次{interval}",
        ],
        ["2", "督导方法", "；".join(f"{a}：{b}" for a, b in STEPS)],
        ["3", "问题整改", "督导发现的问题录入系统转为整改问题，下次督导时复查"],
        ["4", "督导记录", "每次督导后当日通过手机填报督导记录，附现场照片和位置"],
    ]
    if rule and rule.note:
        tasks.append(["5", "依据", rule.note])
    blocks.append(
        g.Table(["序号", "任务", "要求"], tasks, col_widths_mm=[12, 26, 118], align="left", font_size_pt=10.5)
    )
    blocks += [
        g.PageBreak(),
        g.Title("食品安全包保干部承诺书"),
        g.Paragraph(f"本人作为{cadre.region.name}{cadre.get_level_display()}食品安全包保干部，郑重承诺："),
        g.Paragraph(
            f"一、认真履行包保责任，对包保主体清单所列{len(rows)}家主体每年督导不少于{per_year}次，"
            "按五步法如实记录，不走过场、不弄虚作假。"
        ),
        g.Paragraph("二、督促包保主体落实食品安全主体责任，发现问题及时反馈、督促整改、跟踪复查。"),
        g.Paragraph("三、发现重大风险隐患及时报告，不瞒报、不迟报、不漏报。"),
        g.Paragraph("四、自觉接受监督考核，未履行包保责任的，愿承担相应责任。"),
        g.BlankLine(2),
        g.Paragraph("承诺人（签字）：____________", indent=False, align="right"),
        g.Paragraph("联系电话：" + cadre.phone, indent=False, align="right"),
        g.Paragraph("日期：______年____月____日", indent=False, align="right"),
    ]
    return blocks


def commitment_docx(cadre, year: int) -> bytes:
    return g.to_bytes(g.render(commitment_blocks(cadre, year)))
