"""Demo 主体库: about 2,000 businesses over the 20 townships, in proportions like a county's export
(many 小餐饮 and 食品销售, a few dozen 学校食堂, one or two 农贸市场 per township)."""

from shian.registry.creditcode import make_code
from shian.registry.models import Business, SiteCategory

# category code → (per township range, name patterns); {t} = township, {n} = number, {s} = shop word
MIX = {
    "school": ((2, 4), ["{t}中心小学食堂", "{t}初级中学食堂", "{t}第{n}小学食堂"]),
    "kindergarten": ((1, 3), ["{t}幼儿园食堂", "{t}阳光幼儿园食堂"]),
    "elderly": ((1, 2), ["{t}敬老院食堂", "{t}康养中心食堂"]),
    "hospital": ((0, 1), ["{t}卫生院食堂"]),
    "institution": ((1, 3), ["{t}人民政府机关食堂", "{t}派出所食堂"]),
    "central_kitchen": ((0, 1), ["安澜县{t}中央厨房"]),
    "large_restaurant": ((1, 3), ["{t}{s}大酒店", "{t}{s}宴会厅"]),
    "medium_restaurant": ((3, 7), ["{t}{s}饭店", "{t}{s}中餐馆"]),
    "small_eatery": ((25, 45), ["{t}{s}小吃店", "{t}{s}面馆", "{t}{s}火锅店", "{t}{s}烧烤", "{t}{s}快餐店"]),
    "supermarket": ((1, 3), ["{t}{s}超市", "{t}{s}购物广场"]),
    "farmers_market": ((1, 2), ["{t}农贸市场", "{t}{s}菜市场"]),
    "producer": ((0, 3), ["安澜县{s}食品有限公司", "安澜县{t}{s}酒业有限公司"]),
    "workshop": ((2, 6), ["{t}{s}豆腐坊", "{t}{s}挂面坊", "{t}{s}酿酒坊", "{t}{s}腊肉作坊"]),
    "vendor": ((3, 8), ["{t}{s}早餐摊", "{t}{s}水果摊", "{t}{s}凉粉摊"]),
    "retail": ((10, 22), ["{t}{s}便利店", "{t}{s}副食店", "{t}{s}粮油店"]),
    "rural_banquet": ((0, 2), ["{t}{s}村集体聚餐点"]),
}
SHOP = "老王 李记 张家 刘氏 陈记 福满 鑫源 兴旺 顺心 家和 红星 金玉 德隆 好运 百味 长乐 聚福 喜洋洋 乡味 川香".split()
STREETS = ["正街", "新街", "滨河路", "人民路", "建设路", "文化路", "车站路", "学府路"]


def populate(ctx) -> None:
    from shian.registry.services import ensure_defaults

    ensure_defaults()
    rng = ctx.rng
    cats = {c.code: c for c in SiteCategory.objects.all()}
    market = next((u for u in ctx.member_units if u.short_name == "县市场监管局"), None)
    rows, n = [], 0
    for ti, town in enumerate(ctx.townships):
        big = 1.6 if ti < 3 else 1.0  # the town seat and the two urban streets are busier
        for code, ((low, high), patterns) in MIX.items():
            count = round(rng.randint(low, high) * big)
            for k in range(count):
                n += 1
                name = rng.choice(patterns).format(t=town.name, n=k + 1, s=rng.choice(SHOP))
                if any(r.name == name for r in rows[-60:]):
                    name = f"{name}（{k + 1}店）"
                kind = (
                    "12"
                    if code in ("school", "kindergarten", "hospital", "institution", "elderly")
                    else (
                        "91"
                        if code in ("producer", "supermarket", "central_kitchen", "large_restaurant")
                        else "92"
                    )
                )
                risk = rng.choices("ABCD", weights=[30, 45, 20, 5])[0]
                if code in ("school", "central_kitchen", "elderly"):
                    risk = rng.choice("BC")
                rows.append(
                    Business(
                        name=name,
                        credit_code=make_code(f"{kind}510799MA{n:07d}"),
                        licence_no=(
                            f"SC1{n:013d}"
                            if code == "producer"
                            else ""
                            if code in ("vendor", "workshop")
                            else f"JY2510799{n:07d}"
                        ),
                        category=cats[code],
                        region=town,
                        address=f"{ctx.county.name}{town.name}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                        status=rng.choices(["open", "suspended", "cancelled"], weights=[94, 4, 2])[0],
                        risk_grade=risk,
                        baobao_level=rng.choice(["county", "township", "village"])
                        if code != "vendor"
                        else "village",
                        legal_person=ctx.rng.choice("王李张刘陈杨黄赵") + rng.choice("建国芳华丽军勇明"),
                        phone=f"139{rng.randint(10000000, 99999999)}",
                        safety_director=""
                        if code in ("vendor", "small_eatery", "retail")
                        else rng.choice("王李张刘") + "总监",
                        safety_officer=rng.choice("周吴郑孙") + rng.choice("敏静强磊"),
                        bright_kitchen=code in ("school", "kindergarten", "central_kitchen")
                        or rng.random() < 0.4,
                        sunshine_food=rng.random() < 0.2,
                        liability_insurance=rng.random() < 0.5,
                        supervising_unit=market if code in ("producer", "central_kitchen") else None,
                        latitude=round(31.0 + rng.random() * 0.3, 6),
                        longitude=round(105.0 + rng.random() * 0.3, 6),
                    )
                )
    Business.objects.bulk_create(rows, batch_size=1000)
    ctx.businesses = len(rows)
