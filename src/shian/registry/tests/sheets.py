"""Registry exports the way offices have them: a title row, Chinese headers, GBK csv, old .xls."""

import io

import openpyxl

from shian.registry.testing import credit_code

HEADER = [
    "序号",
    "单位名称",
    "社会信用代码",
    "许可证号",
    "主体业态",
    "所属乡镇",
    "经营地址",
    "风险等级",
    "经营状态",
    "有效期至",
    "明厨亮灶",
]


def rows(cast, n=3):
    out = []
    for i in range(1, n + 1):
        town = cast.town if i % 2 else cast.town2
        out.append(
            [
                i,
                f"{town.name}老字号饭店{i}",
                credit_code(town.code, i),
                f"JY15107220{i:06d}",
                "小餐饮",
                town.name if i != 3 else town.code,
                f"{town.name}正街{i}号",
                "B级",
                "在营",
                "2027年6月30日",
                "是",
            ]
        )
    return out


def xlsx(data, header=HEADER, title="三台县食品经营主体清单（截至2025年9月）") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in data:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "主体清单.xlsx"
    return buf


def csv_gbk(data, header=HEADER) -> io.BytesIO:
    text = "\r\n".join(",".join(str(v) for v in row) for row in [header, *data])
    buf = io.BytesIO(text.encode("gbk"))
    buf.name = "主体清单.csv"
    return buf


def xls(data, header=HEADER) -> io.BytesIO:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("Sheet1")
    sh.write(0, 0, "食品经营主体清单")
    for r, row in enumerate([header, *data], start=1):
        for c, v in enumerate(row):
            sh.write(r, c, v)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "主体清单.xls"
    return buf
