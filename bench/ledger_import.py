"""Benchmark: import a 100,000-row sampling export vs. merely reading it (python-calamine).

Prints, for SQLite and PostgreSQL (throwaway databases): the bare read time, shian's import time
(first load and an idempotent re-import), the ratio import / read, peak memory of the importing
process, and django-import-export importing the same file into the same model.

    .venv/bin/python bench/ledger_import.py [--rows 100000] [--no-pg] [--no-iex]

Each measurement runs in its own child process so that its peak RSS is its own.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

HEAD = [
    "抽样单编号",
    "抽样日期",
    "所属乡镇",
    "被抽样单位",
    "被抽样单位类型",
    "抽样环节",
    "食品大类",
    "样品名称",
    "任务类别",
    "检验结论",
    "不合格项目",
    "核查处置状态",
    "处置完成日期",
]


def generate(path, rows):
    import xlsxwriter
    from _setup import TOWNSHIPS

    rng = random.Random(5)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("抽检数据")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["2021—2023年安澜县食品安全抽检台账"])
    sheet.write_row(1, 0, HEAD)
    start = datetime.date(2021, 1, 1)
    cats = [
        ("粮食加工品", "大米"),
        ("蔬菜", "韭菜"),
        ("餐饮食品", "米饭"),
        ("肉制品", "腊肉"),
        ("饮料", "饮用纯净水"),
    ]
    for i in range(rows):
        d = start + datetime.timedelta(days=rng.randrange(1095))
        cat, product = rng.choice(cats)
        failed = rng.random() < 0.025
        r = 2 + i
        sheet.write_string(r, 0, f"DC2151070{i:08d}")
        sheet.write_datetime(r, 1, datetime.datetime(d.year, d.month, d.day), date_fmt)
        sheet.write_row(
            r,
            2,
            [
                rng.choice(TOWNSHIPS),
                f"某某食品经营部{i % 997}",
                "农贸市场",
                rng.choice(["流通", "餐饮", "生产"]),
                cat,
                product,
                rng.choice(["监督抽检", "评价性抽检", "风险监测"]),
                "不合格" if failed else "合格",
                "毒死蜱" if failed else "",
                "已处置" if failed else "无需处置",
            ],
        )
        if failed:
            e = d + datetime.timedelta(days=40)
            sheet.write_datetime(r, 12, datetime.datetime(e.year, e.month, e.day), date_fmt)
    book.close()


# ------------------------------------------------------------------------------ child processes


def child_read(path):
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    n = 0
    for _row in CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows():
        n += 1
    return {"seconds": time.perf_counter() - t, "rows": n}


GOAL_RATIO = 3  # issue 18: the ledger import at most three times the bare read, on both databases


def child_import(path, url):
    from _setup import django_setup

    django_setup(url)
    from django.db import connection

    from shian.supervision.importer import import_ledger
    from shian.supervision.models import SamplingRecord

    out = {}
    for label in ("first", "again"):
        t = time.perf_counter()
        result = import_ledger("sampling", path, filename=os.path.basename(path))
        out[label] = {
            "seconds": time.perf_counter() - t,
            "read": result.rows_read,
            "created": result.created,
            "updated": result.updated,
            "rejected": result.rejected,
        }
        assert result.ok, [str(e) for e in result.errors[:5]]
    out["count"] = SamplingRecord.objects.count()
    connection.close()
    return out


def child_iex(path, url):
    """django-import-export into the same model, with bulk mode (its fastest setting)."""
    from _setup import django_setup

    django_setup(url)
    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from shian.organisation.models import Region
    from shian.supervision.models import SamplingRecord

    class RegionByName(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            return self.model.objects.get(name=value, level=4) if value else None

    class SamplingResource(resources.ModelResource):
        number = fields.Field("number", "抽样单编号")
        sampled_on = fields.Field("sampled_on", "抽样日期", widget=widgets.DateWidget())
        region = fields.Field("region", "所属乡镇", widget=RegionByName(Region, "name"))
        sampled_unit = fields.Field("sampled_unit", "被抽样单位")
        unit_category = fields.Field("unit_category", "被抽样单位类型")
        stage = fields.Field("stage", "抽样环节")
        food_category = fields.Field("food_category", "食品大类")
        product = fields.Field("product", "样品名称")
        task_type = fields.Field("task_type", "任务类别")
        result = fields.Field("result", "检验结论")
        failed_items = fields.Field("failed_items", "不合格项目")
        disposal_status = fields.Field("disposal_status", "核查处置状态")
        disposed_on = fields.Field("disposed_on", "处置完成日期", widget=widgets.DateWidget())

        class Meta:
            model = SamplingRecord
            import_id_fields = ("number",)
            fields = (
                "number",
                "sampled_on",
                "region",
                "sampled_unit",
                "unit_category",
                "stage",
                "food_category",
                "product",
                "task_type",
                "result",
                "failed_items",
                "disposal_status",
                "disposed_on",
            )
            use_bulk = True
            batch_size = 2000
            skip_diff = True
            use_transactions = True

        def before_save_instance(self, instance, row, **kwargs):  # bulk mode skips save(): set period columns
            instance.region_path = instance.region.path
            instance.year, instance.ym = (
                instance.sampled_on.year,
                instance.sampled_on.year * 100 + instance.sampled_on.month,
            )

    t = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    data = tablib.Dataset(*[tuple("" if v is None else v for v in r) for r in rows[2:]], headers=rows[1])
    result = SamplingResource().import_data(data, dry_run=False, raise_errors=True)
    return {
        "seconds": time.perf_counter() - t,
        "errors": result.has_errors(),
        "count": SamplingRecord.objects.count(),
    }


def child_prepare(url):
    from _setup import build_regions, django_setup, migrate

    django_setup(url)
    migrate()
    build_regions()
    return {}


def run_child(*args):
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    lines = proc.stdout.strip().splitlines()
    return json.loads(lines[-1])


def main_child(mode, *args):
    result = {"read": child_read, "import": child_import, "iex": child_iex, "prepare": child_prepare}[mode](
        *args
    )
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-iex", action="store_true")
    args = parser.parse_args()
    from _setup import throwaway_url

    tmp = tempfile.mkdtemp(prefix="shian-bench-")
    path = os.path.join(tmp, "抽检台账.xlsx")
    t = time.perf_counter()
    generate(path, args.rows)
    print(
        f"生成 {args.rows:,} 行 xlsx：{time.perf_counter() - t:.1f} s，{os.path.getsize(path) / 1e6:.1f} MB"
    )
    read = min((run_child("read", path) for _ in range(3)), key=lambda r: r["seconds"])
    print(f"仅读取（python-calamine，逐行）：{read['seconds']:.2f} s，峰值内存 {read['peak_mb']:.0f} MB")
    for vendor in ["sqlite"] + ([] if args.no_pg else ["postgresql"]):
        url, drop = throwaway_url(vendor)
        try:
            run_child("prepare", url)
            # The machine may be shared: read the file again right before and after, ratio to the faster.
            before = run_child("read", path)["seconds"]
            imp = run_child("import", path, url)
            base = min(before, run_child("read", path)["seconds"])
            first, again = imp["first"], imp["again"]
            print(
                f"[{vendor}] 同时段仅读取 {base:.2f} s；shian 导入：{first['seconds']:.2f} s（新增 {first['created']:,}），"
                f"比值 {first['seconds'] / base:.2f}；重复导入（更新 {again['updated']:,}）："
                f"{again['seconds']:.2f} s，比值 {again['seconds'] / base:.2f}；"
                f"进程峰值内存 {imp['peak_mb']:.0f} MB；表内 {imp['count']:,} 行"
            )
            worst = max(first["seconds"], again["seconds"]) / base
            print(
                f"[{vendor}] 目标：两次导入均 ≤ {GOAL_RATIO} × 仅读取：{worst:.2f}，{'MET' if worst <= GOAL_RATIO else 'MISSED'}"
            )
        finally:
            drop()
        if args.no_iex:
            continue
        url, drop = throwaway_url(vendor)
        try:
            run_child("prepare", url)
            before = run_child("read", path)["seconds"]
            iex = run_child("iex", path, url)
            base = min(before, run_child("read", path)["seconds"])
            print(
                f"[{vendor}] django-import-export（use_bulk）：{iex['seconds']:.2f} s，比值 "
                f"{iex['seconds'] / base:.2f}，峰值内存 {iex['peak_mb']:.0f} MB；表内 {iex['count']:,} 行"
            )
        finally:
            drop()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        main_child(*sys.argv[2:])
    else:
        main()
