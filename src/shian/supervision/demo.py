"""Demo data: three years of ledgers for 安澜县, quarterly metrics, indicator definitions.

Figures are chosen so most targets are met and two are missed (不合格处置率 and 养老机构明厨亮灶覆盖率),
which then show up in the gap analysis.
"""

import datetime
from decimal import Decimal

from shian.supervision.models import (
    CaseRecord,
    ComplaintRecord,
    ImportMapping,
    IndicatorDefinition,
    LedgerField,
    Metric,
    MetricForm,
    MetricValue,
    SamplingRecord,
)
from shian.supervision.periods import parse_period

CATEGORIES = [  # (食品大类, 样品, 业态, 环节)
    ("粮食加工品", ["大米", "小麦粉", "挂面"], "大型商超", "流通"),
    ("食用油、油脂及其制品", ["菜籽油", "花生油"], "农贸市场", "流通"),
    ("肉制品", ["腊肉", "香肠", "卤牛肉"], "小作坊", "生产"),
    ("蔬菜", ["韭菜", "芹菜", "豇豆", "菠菜"], "农贸市场", "流通"),
    ("畜禽肉及副产品", ["猪肉", "鸡肉", "牛肉"], "农贸市场", "流通"),
    ("水产品", ["鲫鱼", "草鱼"], "农贸市场", "流通"),
    ("餐饮食品", ["米饭", "凉拌菜", "油条", "馒头"], "小餐饮", "餐饮"),
    ("餐饮食品", ["学生餐", "豆浆"], "学校食堂", "餐饮"),
    ("饮料", ["饮用纯净水", "果汁饮料"], "食品生产企业", "生产"),
    ("糕点", ["蛋糕", "月饼"], "网络餐饮", "网络"),
    ("调味品", ["酱油", "食醋", "火锅底料"], "大型商超", "流通"),
]
FAILED_ITEMS = [
    "腐霉利",
    "毒死蜱",
    "恩诺沙星",
    "大肠菌群",
    "菌落总数",
    "苯甲酸及其钠盐",
    "过氧化值",
    "铅（以Pb计）",
]
COMPLAINT_CATEGORIES = ["食品质量", "过期食品", "无证经营", "卫生状况", "虚假宣传", "餐饮服务"]
CASE_TYPES = [
    "经营超过保质期食品",
    "生产经营不符合食品安全标准食品",
    "未取得许可从事食品经营",
    "未按规定进货查验",
    "农药残留超标",
    "标签不符合规定",
]


def _months(start: datetime.date, end: datetime.date):
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _pick_region(rng, regions, weights):
    return rng.choices(regions, weights=weights, k=1)[0]


def populate(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    county, towns = ctx.county, list(ctx.townships)
    weights = [t.population or 30000 for t in towns]
    start = datetime.date(today.year - 2, 1, 1)
    end = today - datetime.timedelta(days=1)
    days_total = (end - start).days + 1

    LedgerField.objects.create(ledger="sampling", key="lab", label="承检机构", synonyms="检验机构、检测机构")
    ImportMapping.objects.create(
        ledger="sampling",
        name="省抽检系统导出",
        columns={
            "抽样单号": "number",
            "抽样时间": "sampled_on",
            "被抽样单位所在乡镇": "region",
            "检验机构名称": "lab",
        },
    )

    # ---- 抽检: ~3,450 batches a year for 820,000 residents (≈4.2/千人), 农产品定量检测 ~1,000/yr
    samples = []
    seq = 0
    per_year = {"监督抽检": 2300, "评价性抽检": 700, "风险监测": 450, "农产品定量检测": 1000, "快检": 0}
    fail_rate = {"监督抽检": 0.024, "评价性抽检": 0.013, "风险监测": 0.04, "农产品定量检测": 0.008}
    labs = ["绵阳市食品药品检验所", "四川省食品检验研究院", "安澜县农产品质量检测站"]
    open_left = 2  # two failed samples of last year still being handled → 不合格处置率 misses 100%
    for task, count in per_year.items():
        n = int(count * days_total / 365)
        for i in range(n):
            d = start + datetime.timedelta(days=i * days_total // n)
            if d > end:
                continue
            seq += 1
            cat, products, utype, stage = rng.choice(
                CATEGORIES[3:6] if task == "农产品定量检测" else CATEGORIES
            )
            region = _pick_region(rng, towns, weights) if rng.random() > 0.08 else county
            failed = rng.random() < fail_rate[task]
            status, disposed = ("无需处置", None)
            if failed:
                status, disposed = "已处置", d + datetime.timedelta(days=rng.randint(25, 80))
                if d.year == today.year - 1 and open_left:
                    status, disposed, open_left = "处置中", None, open_left - 1
                elif disposed >= today:
                    status, disposed = "处置中", None
            samples.append(
                SamplingRecord(
                    number=f"DC{d:%y}5107{seq:07d}",
                    region=region,
                    region_path=region.path,
                    year=d.year,
                    ym=d.year * 100 + d.month,
                    sampled_on=d,
                    sampled_unit=f"{region.name}{rng.choice(['惠民', '鑫源', '好又多', '老街', '金穗', '川味'])}{utype.replace('小作坊', '食品作坊')}",
                    unit_category=utype,
                    stage=stage,
                    food_category=cat,
                    product=rng.choice(products),
                    task_type=task,
                    result="不合格" if failed else "合格",
                    failed_items=rng.choice(FAILED_ITEMS) if failed else "",
                    disposal_status=status,
                    disposed_on=disposed,
                    extra={"lab": rng.choice(labs)},
                )
            )
    SamplingRecord.objects.bulk_create(samples, batch_size=2000)

    # ---- 投诉举报: ~55 a month, 98% closed within the deadline
    complaints = []
    seq = 0
    for y, m in _months(start, end):
        for _ in range(rng.randint(45, 65)):
            seq += 1
            d = datetime.date(y, m, rng.randint(1, 28))
            if d > end:
                continue
            region = _pick_region(rng, towns, weights)
            deadline = d + datetime.timedelta(days=15)
            late = rng.random() < 0.02
            closed = d + datetime.timedelta(days=rng.randint(16, 25) if late else rng.randint(2, 14))
            if closed >= today:
                closed = None
            complaints.append(
                ComplaintRecord(
                    number=f"{rng.choice(['12315', '12345'])}{d:%Y%m%d}{seq:05d}",
                    region=region,
                    region_path=region.path,
                    year=d.year,
                    ym=d.year * 100 + d.month,
                    received_on=d,
                    channel=rng.choice(["12315", "12345", "来信来访"]),
                    category=rng.choice(COMPLAINT_CATEGORIES),
                    subject=f"{region.name}某餐饮店",
                    deadline=deadline,
                    closed_on=closed,
                    outcome="已办结，责令整改" if closed else "",
                )
            )
    ComplaintRecord.objects.bulk_create(complaints, batch_size=2000)

    # ---- 执法案件: ~10 a month
    cases = []
    seq = 0
    for y, m in _months(start, end):
        for _ in range(rng.randint(7, 13)):
            seq += 1
            d = datetime.date(y, m, rng.randint(1, 28))
            if d > end:
                continue
            region = _pick_region(rng, towns, weights)
            closed = d + datetime.timedelta(days=rng.randint(20, 88))
            fine = Decimal(rng.choice([2000, 5000, 10000, 20000, 50000, 3000]))
            cases.append(
                CaseRecord(
                    number=f"安市监罚〔{y}〕{seq:04d}号",
                    region=region,
                    region_path=region.path,
                    year=y,
                    ym=y * 100 + m,
                    opened_on=d,
                    closed_on=closed if closed < today else None,
                    case_type=rng.choice(CASE_TYPES),
                    party=f"{region.name}某食品经营部",
                    fine_amount=fine,
                    confiscation_amount=Decimal(rng.choice([0, 0, 500, 1200, 3600])),
                    transferred_police=rng.random() < 0.03,
                )
            )
    CaseRecord.objects.bulk_create(cases, batch_size=2000)

    # ---- 统计报表 (metrics)
    units = {u.short_name: u for u in ctx.member_units}
    market, _edu, _civil = units.get("县市场监管局"), units.get("县教育局"), units.get("县民政局")

    def form(code, name, freq, unit, seq, metrics):
        f = MetricForm.objects.create(
            code=code, name=name, frequency=freq, unit=unit, owner_region=county, seq=seq
        )
        for i, (mcode, mname, ulabel, agg) in enumerate(metrics, start=1):
            Metric.objects.create(form=f, code=mcode, name=mname, unit_label=ulabel, aggregation=agg, seq=i)
        return {m.code: m for m in f.metrics.all()}

    mclz = form(
        "mclz",
        "明厨亮灶建设情况",
        "quarter",
        None,
        1,
        [
            ("mclz_school_total", "学校（含托幼）食堂数", "家", "last"),
            ("mclz_school_done", "学校食堂已实施明厨亮灶", "家", "last"),
            ("mclz_elderly_total", "养老机构食堂数", "家", "last"),
            ("mclz_elderly_done", "养老机构已实施明厨亮灶", "家", "last"),
        ],
    )
    sunshine = form(
        "sunshine",
        "阳光食品APP应用情况",
        "quarter",
        market,
        2,
        [
            ("sunshine_registered", "注册主体数", "户", "last"),
            ("sunshine_daily", "日管控打卡主体数", "户", "last"),
        ],
    )
    insurance = form(
        "insurance",
        "食品安全责任保险",
        "year",
        market,
        3,
        [("insured_units", "投保主体数", "户", "last"), ("insured_amount", "保额", "万元", "sum")],
    )
    training = form(
        "training",
        "培训与宣传",
        "quarter",
        None,
        4,
        [
            ("training_sessions", "培训场次", "场", "sum"),
            ("trainees", "培训人次", "人次", "sum"),
            ("publicity_events", "宣传活动场次", "场", "sum"),
        ],
    )
    staff = form(
        "staff",
        "监管队伍培训学时",
        "year",
        market,
        5,
        [("regulators", "监管人员数", "人", "last"), ("training_hours", "监管人员培训总学时", "学时", "sum")],
    )
    plan = form(
        "plan", "年度抽检计划", "year", market, 6, [("sampling_plan", "年度食品抽检任务量", "批次", "sum")]
    )

    values = []

    def put(metric, region, period, value, unit=None):
        p = parse_period(period)
        values.append(
            MetricValue(
                metric=metric,
                region=region,
                region_path=region.path,
                period=p.code,
                year=p.end_ym // 100,
                ym=p.end_ym,
                value=Decimal(value),
                unit=unit,
            )
        )

    quarters = [
        f"{y}-Q{q}"
        for y in range(start.year, today.year + 1)
        for q in range(1, 5)
        if parse_period(f"{y}-Q{q}").end_ym < today.year * 100 + today.month
    ]
    for t in towns:
        schools = rng.randint(4, 14)
        elderly = rng.randint(1, 3)
        registered = rng.randint(150, 700)
        for i, q in enumerate(quarters):
            done_school = min(schools, int(schools * (0.7 + 0.1 * i)))
            put(mclz["mclz_school_total"], t, q, schools, ctx.office)
            put(mclz["mclz_school_done"], t, q, done_school, ctx.office)
            put(mclz["mclz_elderly_total"], t, q, elderly, ctx.office)
            # three townships' nursing-home kitchens are not yet done → coverage stays below 100%
            put(
                mclz["mclz_elderly_done"],
                t,
                q,
                elderly - (1 if t in towns[:3] else 0) if i >= 2 else 0,
                ctx.office,
            )
            put(sunshine["sunshine_registered"], t, q, int(registered * (0.6 + 0.05 * i)), market)
            put(sunshine["sunshine_daily"], t, q, int(registered * (0.5 + 0.05 * i)), market)
            put(training["training_sessions"], t, q, rng.randint(2, 6))
            put(training["trainees"], t, q, rng.randint(80, 260))
            put(training["publicity_events"], t, q, rng.randint(3, 9))
    for y in range(start.year, today.year):
        put(insurance["insured_units"], county, str(y), 420 + 160 * (y - start.year), market)
        put(insurance["insured_amount"], county, str(y), 8200 + 2600 * (y - start.year), market)
        put(staff["regulators"], county, str(y), 126, market)
        put(staff["training_hours"], county, str(y), 126 * (44 + y - start.year), market)
    for y in range(start.year, today.year + 1):
        put(plan["sampling_plan"], county, str(y), 3300, market)
    MetricValue.objects.bulk_create(values, batch_size=2000)

    # ---- 计算指标, linked to the framework's quantitative items where they exist
    from shian.framework.models import ScoringItem

    items = ScoringItem.objects.filter(indicator__category__framework=ctx.framework)

    def item(*keywords):
        for kw in keywords:
            hit = items.filter(content__contains=kw).order_by("indicator__category__seq", "seq").first()
            if hit:
                return hit
        return None

    counted = ["监督抽检", "评价性抽检", "风险监测"]
    defs = [
        (
            "sampling_per_1000",
            "食品抽检量",
            "per_1000",
            {"source": "sampling", "filters": {"task_type__in": counted}},
            {},
            1,
            "批次/千人·年",
            4,
            "gte",
            ("抽检量", "批次/千人", "食品抽检"),
        ),
        (
            "farm_per_1000",
            "农产品定量检测量",
            "per_1000",
            {"source": "sampling", "filters": {"task_type": "农产品定量检测"}},
            {},
            1,
            "批次/千人·年",
            1,
            "gte",
            ("农产品定量", "农产品"),
        ),
        (
            "eval_pass_rate",
            "评价性抽检合格率",
            "ratio",
            {"source": "sampling", "filters": {"task_type": "评价性抽检", "result": "合格"}},
            {"source": "sampling", "filters": {"task_type": "评价性抽检", "result__in": ["合格", "不合格"]}},
            100,
            "%",
            98,
            "gte",
            ("合格率",),
        ),
        (
            "disposal_rate",
            "不合格食品核查处置率",
            "ratio",
            {"source": "sampling", "filters": {"result": "不合格", "disposal_status": "已处置"}},
            {"source": "sampling", "filters": {"result": "不合格"}},
            100,
            "%",
            100,
            "gte",
            ("处置率", "不合格处置", "核查处置"),
        ),
        (
            "complaint_on_time",
            "投诉举报按时办结率",
            "ratio",
            {"source": "complaints", "filters": {"closed_on__lte": "F:deadline"}},
            {"source": "complaints"},
            100,
            "%",
            95,
            "gte",
            ("投诉举报", "投诉"),
        ),
        (
            "mclz_school",
            "学校食堂明厨亮灶覆盖率",
            "ratio",
            {"source": "metric", "metric": "mclz_school_done"},
            {"source": "metric", "metric": "mclz_school_total"},
            100,
            "%",
            100,
            "gte",
            ("学校", "明厨亮灶"),
        ),
        (
            "mclz_elderly",
            "养老机构食堂明厨亮灶覆盖率",
            "ratio",
            {"source": "metric", "metric": "mclz_elderly_done"},
            {"source": "metric", "metric": "mclz_elderly_total"},
            100,
            "%",
            100,
            "gte",
            ("养老", "明厨亮灶"),
        ),
        (
            "training_hours",
            "监管人员人均培训学时",
            "ratio",
            {"source": "metric", "metric": "training_hours"},
            {"source": "metric", "metric": "regulators"},
            1,
            "学时",
            40,
            "gte",
            ("学时", "培训"),
        ),
        (
            "sampling_plan_share",
            "年度抽检任务完成率",
            "share_of_target",
            {"source": "sampling", "filters": {"task_type__in": counted}},
            {"source": "metric", "metric": "sampling_plan"},
            100,
            "%",
            None,
            "gte",
            (),
        ),
        (
            "sampling_yoy",
            "食品抽检批次同比",
            "yoy",
            {"source": "sampling", "filters": {"task_type__in": counted}},
            {},
            100,
            "%",
            None,
            "gte",
            (),
        ),
        (
            "fines",
            "罚没款金额",
            "total",
            {"source": "cases", "agg": "sum", "field": "fine_amount+confiscation_amount"},
            {},
            1,
            "元",
            None,
            "gte",
            (),
        ),
        (
            "police_transfers",
            "移送公安案件数",
            "total",
            {"source": "cases", "filters": {"transferred_police": True}},
            {},
            1,
            "件",
            None,
            "gte",
            (),
        ),
        (
            "insured_units",
            "食品安全责任保险投保主体数",
            "total",
            {"source": "metric", "metric": "insured_units"},
            {},
            1,
            "户",
            None,
            "gte",
            ("保险",),
        ),
        (
            "sunshine_registered",
            "阳光食品APP注册主体数",
            "total",
            {"source": "metric", "metric": "sunshine_registered"},
            {},
            1,
            "户",
            None,
            "gte",
            ("阳光",),
        ),
        (
            "publicity_events",
            "宣传活动场次",
            "total",
            {"source": "metric", "metric": "publicity_events"},
            {},
            1,
            "场",
            None,
            "gte",
            ("宣传",),
        ),
    ]
    for i, (code, name, formula, num, den, scale, unit_label, target, cmp, keywords) in enumerate(
        defs, start=1
    ):
        IndicatorDefinition.objects.create(
            code=code,
            name=name,
            formula=formula,
            numerator=num,
            denominator=den,
            scale=Decimal(scale),
            value_unit=unit_label,
            target=None if target is None else Decimal(target),
            comparison=cmp,
            period_kind="quarter" if code.startswith("mclz") else "year",
            owner_region=county,
            seq=i,
            scoring_item=item(*keywords) if keywords else None,
        )
