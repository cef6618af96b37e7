"""Benchmark: reading, previewing and importing a large office criteria spreadsheet, and exporting it.

Builds a WPS-style .xlsx (title row, merged category/indicator cells, multi-line cells) with N scoring
items over the demo county's units, then times read → preview → import → xlsx export → YAML export,
and the tree page's query count. Prints seconds per step.

    .venv/bin/python bench/framework_import.py [--items 600] [--pg]
"""

import argparse
import io
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def build_sheet(n_items: int) -> bytes:
    import openpyxl

    from shian.core.demo import MEMBER_UNITS

    shorts = [s for _, s in MEMBER_UNITS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["安澜县创建国家食品安全示范城市评价细则（压力测试）"])
    ws.merge_cells("A1:J1")
    ws.append(
        [
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
        ]
    )
    per_ind, per_cat = 6, 60
    for i in range(n_items):
        cat, ind = i // per_cat, i // per_ind
        ws.append(
            [
                i + 1,
                f"类别{cat + 1}（{per_cat}分）",
                f"（{ind + 1}）指标{ind + 1}",
                f"评价要求第{i + 1}条，落实到位",
                "１",
                "未落实不得分；\n每缺1项扣0.5分",
                "1.工作方案\n2.工作台账（当年）\n3.总结（近３年）",
                shorts[i % len(shorts)],
                f"{shorts[(i + 3) % len(shorts)]}、各乡镇（街道）",
                "每季度",
            ]
        )
    row = 3
    while row < 3 + n_items:  # merged indicator cells, as WPS users make them
        ws.merge_cells(
            start_row=row, start_column=3, end_row=min(row + per_ind, 3 + n_items) - 1, end_column=3
        )
        row += per_ind
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=600)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    from _setup import django_setup, migrate, throwaway_url

    url, drop = throwaway_url("postgresql" if args.pg else "sqlite")
    django_setup(url)
    try:
        migrate()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from shian.core.demo import MEMBER_UNITS, TOWNSHIPS
        from shian.framework import exporting
        from shian.framework.importing import import_framework, preview_import, read_tree
        from shian.framework.matching import UnitMatcher
        from shian.framework.treedata import framework_queryset
        from shian.organisation.models import Region, Unit

        province = Region.objects.create(code="510000", name="四川省", level=1)
        city = Region.objects.create(code="510700", name="绵阳市", level=2, parent=province)
        county = Region.objects.create(code="510799", name="安澜县", level=3, parent=city)
        for name, short in MEMBER_UNITS:
            Unit.objects.create(name=name, short_name=short, kind="member", region=county)
        for i, (name, _pop) in enumerate(TOWNSHIPS):
            town = Region.objects.create(code=f"510799{100 + i}", name=name, level=4, parent=county)
            Unit.objects.create(name=f"{name}人民政府", short_name=name, kind="township", region=town)

        t = time.perf_counter()
        data = build_sheet(args.items)
        print(f"生成表格：{args.items} 个评分项，{len(data) / 1024:.0f} KB，{time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        read = read_tree(data, "bench.xlsx")
        assert read.ok, read.errors[:3]
        print(f"读取并解析：{time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        preview = preview_import(read, county, UnitMatcher(county))
        print(
            f"预览（单位匹配 {len(preview['units'])} 个名称，未匹配 {len(preview['unmatched'])}）：{time.perf_counter() - t:.2f} s"
        )
        t = time.perf_counter()
        outcome = import_framework(data, filename="bench.xlsx", owner_region=county, actor=None)
        assert outcome.ok, outcome.errors[:3]
        print(f"完整导入（读取+预览+写入）：{time.perf_counter() - t:.2f} s")
        fw = outcome.framework
        t = time.perf_counter()
        xlsx = exporting.export_xlsx(fw)
        print(f"导出 xlsx（{len(xlsx) / 1024:.0f} KB）：{time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        text = exporting.export_yaml(fw)
        print(f"导出 YAML（{len(text.encode()) / 1024:.0f} KB）：{time.perf_counter() - t:.2f} s")
        with CaptureQueriesContext(connection) as ctx:
            tree = framework_queryset().get(pk=fw.pk)
            sum(
                len(i.assignments.all())
                for c in tree.categories.all()
                for ind in c.indicators.all()
                for i in ind.items.all()
            )
        print(f"读取整棵树的查询数：{len(ctx.captured_queries)}")
    finally:
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    main()
