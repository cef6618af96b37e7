"""Benchmark: import a 50,000-business registry export vs. merely reading it, then draw over it.

Prints, for SQLite (and PostgreSQL with --pg): the bare read time (python-calamine), shian's import
time (first load and an idempotent re-import) and their ratio to the read, then the time of a whole
draw (snapshot of the eligible registry + stratified draw + stored result) over the 50,000 businesses
with 16 categories × 6 areas, and of the pure draw over the stored snapshot (goal: under 1 s).

    .venv/bin/python bench/registry_import_draw.py [--rows 50000] [--pg]

Each measurement runs in its own child process so that its peak RSS is its own.
"""

import argparse
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
    "序号",
    "主体名称",
    "统一社会信用代码",
    "许可证编号",
    "主体业态",
    "所属乡镇",
    "经营地址",
    "风险等级",
    "经营状态",
    "有效期至",
    "食品安全员",
]
CATEGORIES = [
    "学校食堂",
    "托幼机构食堂",
    "养老机构食堂",
    "医院食堂",
    "机关企事业单位食堂",
    "中央厨房",
    "集体用餐配送",
    "大型餐饮",
    "中型餐饮",
    "小餐饮",
    "网络餐饮",
    "大型商超",
    "农贸市场",
    "食品生产企业",
    "小作坊",
    "小摊贩",
]


def generate(path, rows):
    import xlsxwriter
    from _setup import TOWNSHIPS

    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    from shian.registry.creditcode import make_code

    rng = random.Random(12)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("主体清单")
    sheet.write_row(0, 0, ["安澜县食品生产经营主体清单（截至2025年9月）"])
    sheet.write_row(1, 0, HEAD)
    for i in range(rows):
        sheet.write_row(
            2 + i,
            0,
            [
                i + 1,
                f"{rng.choice(TOWNSHIPS)}某某食品经营部{i}",
                make_code(f"92510799MA{i:07d}"),
                f"JY2510799{i:07d}",
                rng.choice(CATEGORIES),
                rng.choice(TOWNSHIPS),
                f"某某街{i % 300}号",
                rng.choice("ABBBCCD"),
                rng.choice(["在营"] * 19 + ["停业"]),
                f"20{rng.randint(26, 30)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                rng.choice("王李张刘") + "安全员",
            ],
        )
    book.close()


def child_read(path):
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    n = sum(1 for _row in CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows())
    return {"seconds": time.perf_counter() - t, "rows": n}


def child_import(path, url):
    from _setup import django_setup

    django_setup(url)
    from shian.registry.importer import import_businesses

    out = {}
    for label in ("first", "again"):
        t = time.perf_counter()
        result = import_businesses(path, actor=None, filename=os.path.basename(path))
        assert result.ok, result.errors[:5]
        out[label] = {
            "seconds": time.perf_counter() - t,
            "created": result.created,
            "updated": result.updated,
        }
    return out


def child_draw(url):
    from _setup import django_setup

    django_setup(url)
    from shian.campaigns.models import Campaign
    from shian.inspections import draw as drawing
    from shian.inspections import services
    from shian.organisation.models import Region, Unit
    from shian.registry.models import SiteCategory
    from shian.testing import build_framework, make_user

    county = Region.objects.get(level=3)
    office = Unit.objects.create(name="县食安办", kind="office", region=county)
    admin = make_user("bench-admin", None, "admin")
    edu = Unit.objects.create(name="县教育局", kind="member", region=county)
    market = Unit.objects.create(name="县市场监管局", kind="member", region=county)
    fw = build_framework({"office": office, "edu": edu, "market": market}, owner_region=county)
    campaign = Campaign.objects.create(
        name="基准", region=county, level="national_city", framework=fw, office=office
    )
    towns = list(Region.objects.filter(level=4).order_by("code")[:6])
    cats = SiteCategory.objects.filter(name__in=CATEGORIES)
    plan = services.create_plan(
        campaign,
        actor=admin,
        name="基准抽取",
        quotas=[(c, None, 1) for c in cats],
        areas=towns,
        risk_grades=["C", "D"],
        risk_share="0.3",
        reserves=1,
        allow_shortfall=True,
    )
    t = time.perf_counter()
    results = services.draw_sites(plan, actor=admin, seed=2025)
    whole = time.perf_counter() - t
    plan.refresh_from_db()
    strata = drawing.strata_for(plan)
    t = time.perf_counter()
    drawing.draw(plan.snapshot, strata, 2025, reserves=1, risk_grades=["C", "D"], risk_share=0.3)
    pure = time.perf_counter() - t
    return {
        "whole": whole,
        "pure": pure,
        "eligible": len(plan.snapshot),
        "strata": len(strata),
        "selected": sum(len(r.selected) for r in results),
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
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main_child(mode, *args):
    result = {"read": child_read, "import": child_import, "draw": child_draw, "prepare": child_prepare}[mode](
        *args
    )
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--pg", action="store_true", help="also PostgreSQL (throwaway database)")
    args = parser.parse_args()
    from _setup import throwaway_url

    path = os.path.join(tempfile.mkdtemp(prefix="shian-bench-"), "主体清单.xlsx")
    t = time.perf_counter()
    generate(path, args.rows)
    print(
        f"生成 {args.rows:,} 行 xlsx：{time.perf_counter() - t:.1f} s，{os.path.getsize(path) / 1e6:.1f} MB"
    )
    for vendor in ["sqlite"] + (["postgresql"] if args.pg else []):
        url, drop = throwaway_url(vendor)
        try:
            run_child("prepare", url)
            before = run_child("read", path)["seconds"]
            imp = run_child("import", path, url)
            base = min(before, run_child("read", path)["seconds"])
            first, again = imp["first"], imp["again"]
            print(
                f"[{vendor}] 仅读取 {base:.2f} s；导入 {first['seconds']:.2f} s（新增 {first['created']:,}），"
                f"比值 {first['seconds'] / base:.1f}；重复导入 {again['seconds']:.2f} s（更新 {again['updated']:,}），"
                f"比值 {again['seconds'] / base:.1f}；峰值内存 {imp['peak_mb']:.0f} MB"
            )
            d = run_child("draw", url)
            print(
                f"[{vendor}] 抽取：候选 {d['eligible']:,} 个、{d['strata']} 层、正选 {d['selected']} 个；"
                f"整体（快照+抽取+保存）{d['whole']:.2f} s；仅按快照抽取 {d['pure'] * 1000:.0f} ms"
                f"{'（达标：< 1 s）' if d['whole'] < 1 else '（超过 1 s 目标）'}"
            )
        finally:
            drop()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        main_child(*sys.argv[2:])
    else:
        main()
