"""Demo organisation: the fictional county 安澜县 (code 510799), shaped like the seed documents' counties —
20 townships, 30 member units, the campaign office, and users for every role (one shared password)."""

from types import SimpleNamespace

from django.contrib.auth.hashers import make_password

from shian.organisation.choices import RegionLevel, Role, UnitKind
from shian.organisation.models import Region, Unit, User

COUNTY = "安澜县"
TOWNSHIPS = [
    ("城关镇", 86000),
    ("东城街道", 72000),
    ("西城街道", 64000),
    ("青石镇", 41000),
    ("白马镇", 38000),
    ("柳林镇", 35000),
    ("金鸡镇", 33000),
    ("石桥镇", 31000),
    ("龙泉镇", 30000),
    ("双河镇", 28000),
    ("观音镇", 26000),
    ("新店镇", 25000),
    ("花园乡", 18000),
    ("永兴镇", 24000),
    ("太平镇", 23000),
    ("三合乡", 16000),
    ("红星镇", 22000),
    ("黄桷镇", 21000),
    ("凤凰镇", 20000),
    ("长乐乡", 15000),
]
MEMBER_UNITS = [
    ("安澜县委办公室", "县委办"),
    ("安澜县人民政府办公室", "县政府办"),
    ("中共安澜县委组织部", "县委组织部"),
    ("中共安澜县委宣传部", "县委宣传部"),
    ("安澜县发展和改革局", "县发改局"),
    ("安澜县教育局", "县教育局"),
    ("安澜县科学技术局", "县科技局"),
    ("安澜县公安局", "县公安局"),
    ("安澜县民政局", "县民政局"),
    ("安澜县司法局", "县司法局"),
    ("安澜县财政局", "县财政局"),
    ("安澜县人力资源和社会保障局", "县人社局"),
    ("安澜县自然资源局", "县自然资源局"),
    ("安澜县生态环境局", "县生态环境局"),
    ("安澜县住房和城乡建设局", "县住建局"),
    ("安澜县交通运输局", "县交通运输局"),
    ("安澜县农业农村局", "县农业农村局"),
    ("安澜县水利局", "县水利局"),
    ("安澜县商务局", "县商务局"),
    ("安澜县文化广播电视和旅游局", "县文广旅局"),
    ("安澜县卫生健康局", "县卫生健康局"),
    ("安澜县应急管理局", "县应急局"),
    ("安澜县市场监督管理局", "县市场监管局"),
    ("安澜县粮食和物资储备局", "县粮储局"),
    ("安澜县综合行政执法局", "县综合执法局"),
    ("安澜县医疗保障局", "县医保局"),
    ("安澜县供销合作社", "县供销社"),
    ("安澜县融媒体中心", "县融媒体中心"),
    ("安澜县疾病预防控制中心", "县疾控中心"),
    ("安澜县总工会", "县总工会"),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力"


def _person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _user(username, unit, role, name, password_hash, phone=""):
    user = User(username=username, unit=unit, role=role, name=name, phone=phone, password=password_hash)
    if role == Role.ADMIN:
        user.is_superuser = user.is_staff = True
    user.save()
    return user


def build_organisation(rng, password):
    # One hash for all demo accounts: hashing is deliberately slow and the password is shared anyway.
    password = make_password(password)
    province = Region.objects.create(
        code="510000", name="四川省", level=RegionLevel.PROVINCE, population=83_740_000
    )
    city = Region.objects.create(
        code="510700", name="绵阳市", level=RegionLevel.CITY, parent=province, population=4_868_000
    )
    county = Region.objects.create(
        code="510799",
        name=COUNTY,
        level=RegionLevel.COUNTY,
        parent=city,
        population=sum(p for _, p in TOWNSHIPS),
    )
    townships = [
        Region.objects.create(
            code=f"510799{100 + i}", name=name, level=RegionLevel.TOWNSHIP, parent=county, population=pop
        )
        for i, (name, pop) in enumerate(TOWNSHIPS)
    ]
    office = Unit.objects.create(
        name="安澜县食品安全委员会办公室",
        short_name="县食安办",
        kind=UnitKind.OFFICE,
        region=county,
        contact_person="王建华",
        contact_phone="0816-5201234",
        sort_order=1,
    )
    members = [
        Unit.objects.create(
            name=name,
            short_name=short,
            kind=UnitKind.MEMBER,
            region=county,
            sort_order=10 + i,
            contact_person=_person(rng),
            contact_phone=f"1390816{rng.randint(1000, 9999)}",
        )
        for i, (name, short) in enumerate(MEMBER_UNITS)
    ]
    township_units = [
        Unit.objects.create(
            name=f"{t.name}{'办事处' if t.name.endswith('街道') else '人民政府'}",
            short_name=t.name,
            kind=UnitKind.TOWNSHIP,
            region=t,
            sort_order=100 + i,
            contact_person=_person(rng),
        )
        for i, t in enumerate(townships)
    ]
    users = {
        "admin": _user("admin", None, Role.ADMIN, "系统管理员", password),
        "office": _user("office", office, Role.OFFICE, "王建华", password, "13908161234"),
        "office2": _user("office2", office, Role.OFFICE, "周敏", password),
        "leader": _user("leader", office, Role.LEADER, "李县长", password),
    }
    for n in range(1, 4):
        users[f"expert{n}"] = _user(f"expert{n}", None, Role.EXPERT, f"评审专家{_person(rng)}", password)
    for i, unit in enumerate(members, start=1):
        users[f"m{i:02d}"] = _user(f"m{i:02d}", unit, Role.LIAISON, _person(rng), password)
        users[f"m{i:02d}_head"] = _user(f"m{i:02d}_head", unit, Role.UNIT_HEAD, _person(rng), password)
    for i, unit in enumerate(township_units, start=1):
        users[f"t{i:02d}"] = _user(f"t{i:02d}", unit, Role.LIAISON, _person(rng), password)
        users[f"t{i:02d}_head"] = _user(f"t{i:02d}_head", unit, Role.UNIT_HEAD, _person(rng), password)
    return SimpleNamespace(
        province=province,
        city=city,
        county=county,
        townships=townships,
        office=office,
        member_units=members,
        township_units=township_units,
        users=users,
    )


def logins(password: str) -> str:
    rows = [
        ("admin", "系统管理员"),
        ("office", "创建办（县食安办）"),
        ("leader", "领导（只读驾驶舱）"),
        ("m23", "成员单位联络员：县市场监管局"),
        ("m06", "成员单位联络员：县教育局"),
        ("m06_head", "单位负责人：县教育局"),
        ("t01", "乡镇联络员：城关镇"),
        ("expert1", "评审专家"),
    ]
    lines = [f"  {u:<10} {label}" for u, label in rows]
    lines.append("  （成员单位联络员 m01–m30、负责人 m01_head…；乡镇联络员 t01–t20、负责人 t01_head…）")
    lines.append(f"  演示密码：{password}")
    return "\n".join(lines)


def populate(ctx):
    """First step of the demo: regions, units and users; later apps read them from `ctx`."""
    org = build_organisation(ctx.rng, ctx.password)
    for key, value in vars(org).items():
        setattr(ctx, key, value)
    ctx.admin = org.users["admin"]
