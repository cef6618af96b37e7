"""Spreadsheets the way offices keep them, built in the tests (openpyxl for .xlsx, xlwt for .xls)."""

import io

import openpyxl
from openpyxl.styles import Alignment

TITLE = "安澜县创建国家食品安全示范城市评价细则任务分解表"
# WPS-style headers: 一级指标 / 二级指标 / 评价要求 / 标准分 / 扣分标准 / 佐证材料 / 责任单位 / 时间节点
WPS_HEADER = [
    "序号",
    "一级指标",
    "二级指标",
    "评价要求",
    "标准分",
    "扣分标准",
    "佐证材料",
    "责任单位",
    "配合单位",
    "时间节点",
    "备注",
]
# rows: (seq, category, indicator, requirement, points, rule, materials, lead, coop, deadline, remark)
WPS_ROWS = [
    (
        "１",
        "一、基础工作（１０分）",
        "（一）党政同责",
        "★将食品安全纳入党政领导干部考核，权重不低于3%",
        "２",
        "未纳入考核不得分；\n权重低于3%扣1分",
        "1.考核办法\n2.考核结果通报（近３年）",
        "县委组织部",
        "县委办、县政府办",
        "2025年6月底前",
        "",
    ),
    (
        "2",
        None,
        None,
        "党委常委会、政府常务会每年专题研究食品安全工作不少于2次",
        "3",
        "每少1次扣1.5分",
        "会议纪要（当年）",
        "中共安澜县委办公室",
        "",
        "每半年",
        "",
    ),
    (
        "3",
        None,
        "（二）包保责任",
        "包保干部督导频次完成率100%",
        "5",
        "每低5个百分点扣0.5分",
        "督导台账\n问题整改清单",
        "安澜县市场监督管理局",
        "各乡镇（街道）",
        "每季度",
        "重点",
    ),
    (
        "4",
        "二、能力建设（１０分）",
        "（三）食品抽检",
        "食品抽检量达到4批次/千人",
        "４",
        "每低0.1批次扣0.5分",
        "抽检计划及完成情况",
        "市场监管局",
        "县　财政局",
        "2025-12-31",
        "",
    ),
    ("5", None, None, "农产品定量检测量达到1.5批次/千人", "3", "", "", "县农业农村局", "", "", ""),
    (
        "6",
        None,
        "（四）应急处置",
        "食源性疾病监测哨点医院",
        "3",
        "未设立不得分",
        "哨点医院名单",
        "县卫健委",
        "县疾控中心；县委编办",
        "长期坚持",
        "",
    ),
]


def wps_xlsx(rows=WPS_ROWS, header=WPS_HEADER, sheet_title="评价细则") -> bytes:
    """Title row merged over the header, merged category/indicator cells, a 合计 row, blank rows,
    a 备注 row — the shape of a real 任务分解表 saved by WPS."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    start = 3
    for i, row in enumerate(rows):
        ws.append(list(row))
        for c, v in enumerate(row, start=1):
            if isinstance(v, str) and "\n" in v:
                ws.cell(row=start + i, column=c).alignment = Alignment(wrap_text=True)
    # merged category cells (rows 3-5 and 6-8) and indicator cells (rows 3-4, 6-7)
    ws.merge_cells("B3:B5")
    ws.merge_cells("B6:B8")
    ws.merge_cells("C3:C4")
    ws.merge_cells("C6:C7")
    ws.append([])
    ws.append(["", "合计", "", "", 20])
    ws.append([])
    ws.append(["备注：1.标准分为该项满分；2.责任单位对本项任务牵头负责。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def wps_xls(rows=WPS_ROWS, header=WPS_HEADER) -> bytes:
    """The same table as an old .xls (xlwt), merged cells written with write_merge."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("Sheet1")
    sh.write_merge(0, 0, 0, len(header) - 1, TITLE)
    for c, h in enumerate(header):
        sh.write(1, c, h)
    merged = {(2, 1): 4, (5, 1): 7, (2, 2): 3, (5, 2): 6}  # (first row, col) → last row
    covered = {(r, c) for (r0, c), r1 in merged.items() for r in range(r0 + 1, r1 + 1)}
    for i, row in enumerate(rows):
        r = 2 + i
        for c, v in enumerate(row):
            if (r, c) in merged:
                sh.write_merge(r, merged[(r, c)], c, c, v)
            elif (r, c) in covered or v is None:
                continue
            else:
                sh.write(r, c, v)
    sh.write(len(rows) + 3, 0, "备注：本表由县食安办制。")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# A second layout the importer was not written for: no title row, no merges, blank category and
# indicator cells below the first row of each, 类别/指标/评分要点/分值/评分方法/资料要求 headers,
# 关键项 marked with ★ in its own column, deadlines as dates and text.
PLAIN_HEADER = [
    "类别",
    "指标",
    "评分要点",
    "分值",
    "评分方法",
    "资料要求",
    "牵头单位",
    "配合单位",
    "完成时限",
    "关键项",
]
PLAIN_ROWS = [
    [
        "生产经营状况",
        "学校食堂",
        "学校食堂落实校长陪餐制度",
        3,
        "现场检查得分率×分值",
        "陪餐记录",
        "县教育局",
        "县市场监管局",
        "2025年9月1日前",
        "★",
    ],
    [
        None,
        None,
        "学校食堂明厨亮灶覆盖率100%",
        2,
        "覆盖率低于100%不得分",
        "接入清单\n巡查记录",
        "县教育局",
        "",
        "每学期",
        "",
    ],
    [
        None,
        "农贸市场",
        "农贸市场标准化改造",
        4,
        "暗访发现问题每处扣0.5分",
        "改造验收资料（创建以来）",
        "县商务局",
        "县市场监管局、县农业农村局",
        "",
        "是",
    ],
    [
        "示范引领（加分项，最高5分）",
        "示范项目",
        "智慧监管示范项目",
        5,
        "按答辩评定",
        "",
        "县市场监管局",
        "",
        "",
        "",
    ],
]


def plain_xlsx(rows=PLAIN_ROWS, header=PLAIN_HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务清单"
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# A 任务分解清单 (not a 评价细则): 序号/工作任务/具体要求/责任单位/配合单位/完成时限, no 分值, section rows
# merged across the table, 工作任务 merged over its 具体要求 rows, full-width numbers, a 备注 row, old .xls.
TASK_LIST_TITLE = "安澜县创建省级食品安全示范县任务分解清单"
TASK_LIST_HEADER = ["序  号", "工作任务", "具体要求", "责任单位", "配合单位", "完成时限"]
TASK_LIST_SECTIONS = [
    (
        "一、落实党政同责",
        [
            (
                "健全领导机构",
                [
                    (
                        "１",
                        "1.成立以县委、县政府主要负责同志为组长的创建工作领导小组；\n2.领导小组每半年至少召开1次专题会议。",
                        "县委办、县政府办",
                        "县市场监管局",
                        "2026年3月底前",
                    ),
                    (
                        "２",
                        "将食品安全工作纳入党委政府年度综合目标考核，考核权重不低于3%。",
                        "县委组织部",
                        "县市场监管局\n县财政局",
                        "2026年6月30日",
                    ),
                ],
            ),
            (
                "落实属地责任",
                [
                    (
                        "３",
                        "各乡镇（街道）配齐食品安全协管员，建立包保责任清单。",
                        "各乡镇（街道）",
                        "县市场监管局",
                        "长期坚持",
                    ),
                    (
                        "４",
                        "制定食品安全“两个责任”包保工作方案，实现包保干部全覆盖。",
                        "县市场监管局",
                        "各乡镇（街道）",
                        "2026.4.30",
                    ),
                ],
            ),
        ],
    ),
    (
        "二、加强源头治理",
        [
            (
                "农业投入品管理",
                [
                    (
                        "５",
                        "开展化肥农药减量增效行动，建立农资经营台账。",
                        "县农业农村局",
                        "",
                        "2026年9月底前",
                    ),
                    (
                        "６",
                        "完成食用农产品承诺达标合格证全覆盖。",
                        "县农业农村局",
                        "县市场监管局",
                        "2026年10月",
                    ),
                ],
            ),
            (
                "校园食品安全",
                [
                    (
                        "７",
                        "学校食堂“互联网+明厨亮灶”覆盖率达到100%，落实校长陪餐制度。",
                        "县教育局",
                        "县市场监管局、县卫健局",
                        "2026年6月",
                    )
                ],
            ),
        ],
    ),
]


def task_list_xls(sections=TASK_LIST_SECTIONS) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("Sheet1")
    wrap = xlwt.easyxf("align: wrap on, vert centre")
    sh.write(0, 0, "附件2")
    sh.write_merge(1, 1, 0, 5, TASK_LIST_TITLE)
    for c, h in enumerate(TASK_LIST_HEADER):
        sh.write(2, c, h)
    r = 3
    for section, tasks in sections:
        sh.write_merge(r, r, 0, 5, section)
        r += 1
        for task, reqs in tasks:
            if len(reqs) > 1:
                sh.write_merge(r, r + len(reqs) - 1, 1, 1, task, wrap)
            else:
                sh.write(r, 1, task)
            for seq, req, lead, coop, due in reqs:
                for c, v in ((0, seq), (2, req), (3, lead), (4, coop), (5, due)):
                    sh.write(r, c, v, wrap)
                r += 1
    r += 1  # a blank row
    sh.write_merge(r, r, 0, 5, "备注：1.责任单位为牵头单位，对任务完成负总责；2.完成时限为最迟时间。")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
