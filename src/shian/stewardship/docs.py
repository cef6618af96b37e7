"""三张清单一承诺书 of a cadre (包保主体清单、责任清单、任务清单 and the 承诺书) in GB/T 9704 layout."""

import datetime

from shian.core import gbt9704 as g
from shian.stewardship import services
from shian.stewardship.choices import CadreLevel

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


def township_report_blocks(town, year: int, as_of: datetime.date) -> list:
    """三表一书一报告 of a township, from the records as of `as_of`: 表一 包保主体清单, 表二 包保干部责任清单,
    表三 督导任务完成情况, 一书 the state of the 承诺书, 一报告 the year's 包保 work in figures."""
    from django.db.models import Count, Q

    from shian.stewardship.models import Binding, Commitment, StewardVisit, VisitFinding

    rule_map = services.rules()
    inside = {"business__region__path__startswith": town.path}
    bindings = list(
        Binding.objects.filter(is_active=True, created_at__date__lte=as_of, **inside)
        .select_related("cadre", "business__category")
        .order_by("business__name", "cadre__level")
    )
    start = datetime.date(year, 1, 1)
    visits = StewardVisit.objects.filter(visited_on__gte=start, visited_on__lte=as_of, **inside)
    done = dict(visits.values_list("cadre").annotate(n=Count("id")).order_by())
    cadres = sorted(
        {b.cadre for b in bindings},
        key=lambda c: (c.level != CadreLevel.COUNTY, c.level != CadreLevel.TOWNSHIP, c.name),
    )
    load = {c.pk: sum(1 for b in bindings if b.cadre_id == c.pk) for c in cadres}
    signed = set(
        Commitment.objects.filter(cadre__in=cadres, year=year)
        .exclude(signed_scan="")
        .filter(Q(signed_on__isnull=True) | Q(signed_on__lte=as_of))
        .values_list("cadre", flat=True)
    )
    findings = VisitFinding.objects.filter(
        visit__visited_on__gte=start,
        visit__visited_on__lte=as_of,
        visit__business__region__path__startswith=town.path,
    ).aggregate(
        found=Count("id"),
        fixed=Count("id", filter=Q(status="fixed")),
        problems=Count("id", filter=Q(problem__isnull=False)),
    )
    elapsed = ((as_of - start).days + 1) / ((datetime.date(year, 12, 31) - start).days + 1)

    def per_year(cadre):
        rule = rule_map.get(cadre.level)
        return rule.visits_per_year if rule else 0

    required = {c.pk: int(per_year(c) * load[c.pk] * min(1, elapsed)) for c in cadres}
    t1 = [
        [
            str(i),
            b.business.name,
            str(b.business.category),
            b.business.get_baobao_level_display() or "—",
            f"{b.cadre.name}（{b.cadre.get_level_display()}）",
        ]
        for i, b in enumerate(bindings, start=1)
    ]
    t2 = [
        [str(i), c.name, c.post or "—", c.get_level_display(), str(load[c.pk]), f"每年不少于{per_year(c)}次"]
        for i, c in enumerate(cadres, start=1)
    ]
    t3 = [
        [
            str(i),
            c.name,
            str(required[c.pk]),
            str(done.get(c.pk, 0)),
            "—" if not required[c.pk] else f"{min(done.get(c.pk, 0), required[c.pk]) / required[c.pk]:.0%}",
        ]
        for i, c in enumerate(cadres, start=1)
    ]
    by_level = {lvl: sum(1 for c in cadres if c.level == lvl) for lvl in CadreLevel.values}
    businesses = len({b.business_id for b in bindings})
    unsigned = [c.name for c in cadres if c.pk not in signed]
    total_required, total_done = sum(required.values()), visits.count()
    report = (
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日，{town.name}共有包保干部{len(cadres)}名"
        f"（县级{by_level['county']}名、乡级{by_level['township']}名、村级{by_level['village']}名），"
        f"包保食品生产经营主体{businesses}家、包保关系{len(bindings)}个。{year}年以来开展督导{total_done}次"
        + (f"，按规定频次应督导{total_required}次" if total_required else "")
        + f"；督导发现问题{findings['found']}个，复查已整改{findings['fixed']}个，"
        f"转为整改问题{findings['problems']}个；{len(signed)}名干部已签订三张清单一承诺书"
        + (
            f"，{len(unsigned)}名尚未签订（{'、'.join(unsigned[:10])}{'等' if len(unsigned) > 10 else ''}）。"
            if unsigned
            else "，全部签订。"
        )
    )
    return [
        g.Title(f"{town.name}{year}年食品安全包保工作\n“三表一书一报告”"),
        g.Subtitle(f"（数据截至{as_of.year}年{as_of.month}月{as_of.day}日）"),
        g.Heading("包保主体清单（表一）"),
        g.Table(
            ["序号", "主体名称", "业态", "包保层级", "包保干部"],
            t1 or [["—", "暂无", "", "", ""]],
            col_widths_mm=[12, 52, 30, 24, 38],
            font_size_pt=10.5,
        ),
        g.Heading("包保干部责任清单（表二）"),
        g.Table(
            ["序号", "姓名", "职务", "层级", "包保主体", "督导频次"],
            t2 or [["—", "暂无", "", "", "", ""]],
            col_widths_mm=[12, 24, 44, 18, 20, 38],
            font_size_pt=10.5,
        ),
        g.Heading("督导任务完成情况（表三）"),
        g.Table(
            ["序号", "姓名", "截至目前应督导", "已督导", "完成率"],
            t3 or [["—", "暂无", "", "", ""]],
            col_widths_mm=[12, 34, 40, 34, 36],
            font_size_pt=10.5,
        ),
        g.Heading("承诺书签订情况（一书）"),
        g.Paragraph(
            f"应签订{len(cadres)}名，已签订并上传签字件{len(signed)}名"
            + (f"，未签订：{'、'.join(unsigned)}。" if unsigned else "。")
        ),
        g.Heading("包保工作报告（一报告）"),
        g.Paragraph(report),
    ]


def township_report_docx(town, year: int, as_of: datetime.date) -> bytes:
    return g.to_bytes(g.render(township_report_blocks(town, year, as_of)))


BUSINESS_DUTIES = (
    "落实食品安全主体责任，主要负责人对本单位食品安全工作全面负责。",
    "配备食品安全总监、食品安全员，明确岗位职责，建立并落实“日管控、周排查、月调度”工作机制。",
    "建立风险管控清单，对清单所列风险点按规定频次管控并如实记录。",
    "配合包保干部督导，对督导发现的问题立即整改并将整改情况报告包保干部。",
    "组织从业人员参加食品安全培训和考核，做到“能问能答”。",
)

DUTY_TASKS = (
    (
        "日管控",
        "每日",
        "食品安全员每日根据风险管控清单进行检查，形成《每日食品安全检查记录》，发现问题及时整改",
    ),
    ("周排查", "每周", "食品安全总监每周至少组织一次风险隐患排查，形成《每周食品安全排查治理报告》"),
    (
        "月调度",
        "每月",
        "主要负责人每月至少听取一次食品安全总监工作汇报，研究解决问题，形成《每月食品安全调度会议纪要》",
    ),
)


def business_lists_blocks(business, year: int) -> list:
    """三张清单一承诺书 of one business: 包保干部清单 (all levels), 责任清单, 任务清单 (the cadres' visit
    frequency and the business's 日管控/周排查/月调度 with its risk-control list), and its 承诺书."""
    from shian.stewardship.models import Binding, RiskControl

    rule_map = services.rules()
    order = {"county": 0, "township": 1, "village": 2}
    bindings = sorted(
        Binding.objects.filter(business=business, is_active=True).select_related("cadre__region"),
        key=lambda b: (order.get(b.cadre.level, 9), b.cadre.name),
    )

    def frequency(cadre):
        rule = rule_map.get(cadre.level)
        return f"每年不少于{rule.visits_per_year}次" if rule else "—"

    cadres = [
        [
            str(i),
            b.cadre.get_level_display(),
            b.cadre.name,
            b.cadre.post or "—",
            b.cadre.region.name,
            b.cadre.phone,
            frequency(b.cadre),
        ]
        for i, b in enumerate(bindings, start=1)
    ]
    risks = list(RiskControl.objects.filter(business=business))
    director = business.safety_director or "（未登记）"
    officer = business.safety_officer or "（未登记）"
    head = business.legal_person or "（未登记）"
    blocks = [
        g.Title(f"{year}年度食品生产经营主体\n“三张清单一承诺书”"),
        g.Subtitle(f"{business.name}（{business.category}，{business.region.name}）"),
        g.Heading("包保干部清单"),
        g.Paragraph(
            f"本单位由以下{len(cadres)}名包保干部分级包保；主要负责人：{head}，"
            f"食品安全总监：{director}，食品安全员：{officer}。"
        ),
        g.Table(
            ["序号", "层级", "姓名", "职务", "所属区划", "联系电话", "督导频次"],
            cadres or [["—", "尚未落实包保干部", "", "", "", "", ""]],
            col_widths_mm=[12, 16, 20, 28, 24, 26, 30],
            font_size_pt=10.5,
        ),
        g.Heading("责任清单"),
    ]
    blocks += [g.Paragraph(f"{i}.{text}") for i, text in enumerate(BUSINESS_DUTIES, start=1)]
    blocks.append(g.Heading("任务清单"))
    tasks = [[str(i), name, when, text] for i, (name, when, text) in enumerate(DUTY_TASKS, start=1)]
    visits = "；".join(f"{c[1]}干部{c[2]}{c[6]}" for c in cadres) or "按层级对应规则确定"
    tasks.append([str(len(tasks) + 1), "接受督导", "按频次", f"配合包保干部按五步法督导（{visits}）"])
    blocks.append(
        g.Table(
            ["序号", "任务", "频次", "要求"],
            tasks,
            col_widths_mm=[12, 22, 18, 104],
            align="left",
            font_size_pt=10.5,
        )
    )
    blocks.append(g.Paragraph(f"风险管控清单（{len(risks)}项）：", indent=False))
    blocks.append(
        g.Table(
            ["序号", "风险点", "管控措施", "频次", "责任人"],
            [
                [str(i), r.risk, r.measures, r.frequency or "—", r.person or "—"]
                for i, r in enumerate(risks, start=1)
            ]
            or [["—", "尚未建立", "", "", ""]],
            col_widths_mm=[12, 44, 60, 18, 22],
            align="left",
            font_size_pt=10.5,
        )
    )
    blocks += [
        g.PageBreak(),
        g.Title("食品安全主体责任承诺书"),
        g.Paragraph(f"本单位{business.name}郑重承诺："),
        g.Paragraph(
            "一、严格遵守《中华人民共和国食品安全法》等法律法规，依法从事食品生产经营活动，对所生产经营食品的安全负责。"
        ),
        g.Paragraph(
            f"二、落实食品安全总监（{director}）、食品安全员（{officer}）制度，"
            "坚持“日管控、周排查、月调度”，如实记录，按时在系统中填报。"
        ),
        g.Paragraph(
            "三、按风险管控清单管控风险，发现问题立即整改；配合包保干部督导，对督导发现的问题按期整改到位。"
        ),
        g.Paragraph("四、发生食品安全事故或发现重大风险隐患时立即报告，不隐瞒、不谎报、不拖延。"),
        g.Paragraph("五、自觉接受监督，违反承诺的，愿承担相应法律责任。"),
        g.BlankLine(2),
        g.Paragraph("主要负责人（签字）：____________", indent=False, align="right"),
        g.Paragraph("单位（盖章）", indent=False, align="right"),
        g.Paragraph("日期：______年____月____日", indent=False, align="right"),
    ]
    return blocks


def business_lists_docx(business, year: int) -> bytes:
    return g.to_bytes(g.render(business_lists_blocks(business, year)))
