"""The draw record (抽取记录) as an xlsx document, and the plain-text listing the command prints."""

import io

from django.utils import timezone

from shian.inspections.choices import SiteRole


def draw_record_xlsx(plan) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    title = wb.add_format({"bold": True, "font_size": 14})
    ws = wb.add_worksheet("抽取记录")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 6, 16)
    ws.write_string(0, 0, f"{plan.name}点位抽取记录", title)
    info = [
        ("创建项目", plan.campaign.name),
        ("阶段", plan.get_stage_display()),
        ("方式", plan.get_mode_display()),
        ("抽取人", plan.drawn_by.display_name if plan.drawn_by else "系统"),
        (
            "抽取时间",
            timezone.localtime(plan.drawn_at).strftime("%Y-%m-%d %H:%M:%S") if plan.drawn_at else "",
        ),
        ("随机种子", str(plan.seed)),
        ("候选主体数", str(len(plan.snapshot))),
        ("快照校验值(SHA-256)", plan.snapshot_hash),
        (
            "排除",
            f"停业、注销主体；近{plan.exclude_visited_days}天内已检查"
            if plan.exclude_visited_days
            else "停业、注销主体",
        ),
        (
            "高风险层",
            f"{'、'.join(plan.risk_grades) or '—'}级{'及曾不符合主体' if plan.risk_failed_before else ''}，"
            f"占比{plan.risk_share}"
            if plan.risk_share
            else "未设置",
        ),
        ("每层备选", str(plan.reserves)),
    ]
    for r, (k, v) in enumerate(info, start=2):
        ws.write_string(r, 0, k, bold)
        ws.write_string(r, 1, v)
    r = len(info) + 3
    for c, h in enumerate(["抽取层", "配额", "符合条件", "正选", "备选", "不足说明"]):
        ws.write_string(r, c, h, bold)
    for s in plan.draw_record.get("strata", []):
        r += 1
        ws.write_row(
            r,
            0,
            [
                s["label"],
                s["quota"],
                s["eligible"],
                len(s["selected"]),
                len(s["reserves"]),
                s["shortfall"] or "—",
            ],
        )
    ws2 = wb.add_worksheet("抽取结果")
    head = [
        "顺序",
        "抽取层",
        "类别",
        "主体名称",
        "统一社会信用代码/许可证",
        "业态",
        "区划",
        "地址",
        "风险等级",
        "高风险层",
        "说明",
    ]
    for c, h in enumerate(head):
        ws2.write_string(0, c, h, bold)
    ws2.set_column(0, 10, 16)
    sites = plan.sites.select_related("business__category", "business__region").order_by("order")
    for i, s in enumerate(sites, start=1):
        b = s.business
        ws2.write_row(
            i,
            0,
            [
                s.order,
                s.stratum,
                s.get_role_display(),
                b.name,
                b.identifier,
                b.category.name,
                b.region.name,
                b.address,
                b.risk_grade,
                "是" if s.high_risk else "",
                s.note,
            ],
        )
    ws3 = wb.add_worksheet("候选快照")
    for c, h in enumerate(["主体ID", "业态代码", "区划路径", "风险等级", "曾不符合", "名称"]):
        ws3.write_string(0, c, h, bold)
    for i, row in enumerate(plan.snapshot, start=1):
        ws3.write_row(i, 0, row)
    wb.close()
    return buf.getvalue()


def draw_listing(plan) -> str:
    lines = [f"{plan.name}：种子 {plan.seed}，候选 {len(plan.snapshot)} 个，快照 {plan.snapshot_hash[:12]}"]
    current = None
    for s in plan.sites.select_related("business__category", "business__region").order_by("order"):
        if s.stratum != current:
            current = s.stratum
            lines.append(f"【{current}】")
        mark = (
            "备选"
            if s.role == SiteRole.RESERVE
            else ("无法检查" if s.role == SiteRole.UNVISITABLE else "正选")
        )
        risk = f" {s.business.risk_grade}级" if s.business.risk_grade else ""
        lines.append(f"  {s.order:>4}. [{mark}] {s.business.name}（{s.business.region.name}）{risk}")
    for st in plan.draw_record.get("strata", []):
        if st["shortfall"]:
            lines.append(f"不足：{st['shortfall']}")
    return "\n".join(lines)
