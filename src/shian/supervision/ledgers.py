"""The ledgers' columns: built-in fields in code, deployment fields (`LedgerField`) as data.

Each field becomes a `core.spreadsheets.Column` for import, with header synonyms; a saved
`ImportMapping` adds the headers of one source system.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from shian.core.spreadsheets import CellError, Column, parse_bool, parse_date, parse_decimal, parse_text
from shian.supervision.choices import DisposalStatus, FieldType, LedgerKind, SampleResult, Stage, TaskType
from shian.supervision.models import CaseRecord, ComplaintRecord, SamplingRecord


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str = FieldType.TEXT
    required: bool = False
    synonyms: tuple = ()
    choices: dict | None = None  # alias -> stored value
    extra: bool = False  # stored in the JSON column
    max_length: int | None = None


@dataclass
class LedgerSpec:
    kind: str
    label: str
    model: type
    date_field: str
    fields: list[FieldSpec] = field(default_factory=list)


def _aliases(values, extra=None):
    table = {v: v for v in values}
    table.update(extra or {})
    return table


STAGE = _aliases(
    Stage.values,
    {
        "生产环节": "生产",
        "流通环节": "流通",
        "餐饮环节": "餐饮",
        "网络环节": "网络",
        "网购": "网络",
        "网络销售": "网络",
        "销售": "流通",
        "餐饮服务": "餐饮",
    },
)
TASK_TYPE = _aliases(
    TaskType.values,
    {
        "评价抽检": "评价性抽检",
        "评价性抽样": "评价性抽检",
        "监督抽查": "监督抽检",
        "风险监测抽检": "风险监测",
        "农产品检测": "农产品定量检测",
        "农残定量检测": "农产品定量检测",
        "农产品定量监测": "农产品定量检测",
        "快速检测": "快检",
    },
)
RESULT = _aliases(
    SampleResult.values,
    {
        "符合": "合格",
        "判定合格": "合格",
        "纯抽检合格": "合格",
        "不符合": "不合格",
        "判定不合格": "不合格",
        "问题样品": "不合格",
        "检验中": "待检",
        "未出结果": "待检",
    },
)
DISPOSAL = _aliases(
    DisposalStatus.values,
    {
        "已完成": "已处置",
        "处置完毕": "已处置",
        "已办结": "已处置",
        "核查处置完毕": "已处置",
        "正在处置": "处置中",
        "未完成": "处置中",
        "无": "无需处置",
        "不涉及": "无需处置",
        "/": "无需处置",
    },
)

REGION = FieldSpec(
    "region",
    "区划",
    "region",
    True,
    (
        "所属区域",
        "所属乡镇",
        "乡镇（街道）",
        "乡镇",
        "属地",
        "抽样地区",
        "区域",
        "行政区划",
        "所在地区",
        "区划代码",
        "行政区划代码",
        "区划名称",
    ),
)

# The region split across columns, as the national sampling system and the 12315 platform export it
# (被抽样单位所在省份 / 地市 / 县（区）); combined into `region` by the importer (by name, the most
# specific part first, with its parent's name to tell apart two counties of the same name).
REGION_PARTS = [
    Column(
        "region_province",
        "所在省份",
        synonyms=("被抽样单位所在省份", "被投诉方所在省份", "被投诉人所在省份", "省份", "省"),
        required=False,
        parser=parse_text,
    ),
    Column(
        "region_city",
        "所在地市",
        synonyms=(
            "被抽样单位所在地市",
            "被投诉方所在地市",
            "被投诉人所在地市",
            "地市",
            "所在市",
            "市（州）",
            "市州",
        ),
        required=False,
        parser=parse_text,
    ),
    Column(
        "region_county",
        "所在县（区）",
        synonyms=(
            "被抽样单位所在县（区）",
            "被抽样单位所在县区",
            "被投诉方所在县（区）",
            "被投诉人所在区县",
            "县（区）",
            "区县",
            "县区",
            "所在区县",
            "所在县区",
        ),
        required=False,
        parser=parse_text,
    ),
]
REGION_PART_KEYS = tuple(c.key for c in REGION_PARTS)

SPECS = {
    LedgerKind.SAMPLING: LedgerSpec(
        LedgerKind.SAMPLING,
        "抽检",
        SamplingRecord,
        "sampled_on",
        [
            FieldSpec(
                "number",
                "抽样单编号",
                required=True,
                synonyms=("样品编号", "抽检编号", "抽样编号", "抽样单号", "抽样单编号（样品编号）", "编号"),
                max_length=64,
            ),
            FieldSpec(
                "sampled_on",
                "抽样日期",
                FieldType.DATE,
                True,
                ("抽样时间", "抽检日期", "采样日期", "抽样完成日期"),
            ),
            REGION,
            FieldSpec(
                "sampled_unit",
                "被抽样单位",
                synonyms=("被抽样单位名称", "受检单位", "被抽检单位"),
                max_length=200,
            ),
            FieldSpec(
                "unit_category", "被抽样单位类型", synonyms=("业态", "单位类型", "场所类型"), max_length=60
            ),
            FieldSpec("stage", "抽样环节", synonyms=("环节",), choices=STAGE),
            FieldSpec(
                "food_category",
                "食品大类",
                synonyms=("食品类别", "食品分类", "样品类别", "食品大类（一级）"),
                max_length=60,
            ),
            FieldSpec("product", "样品名称", synonyms=("食品名称", "产品名称"), max_length=200),
            FieldSpec(
                "task_type",
                "任务类别",
                required=True,
                synonyms=("抽检类型", "任务类型", "抽检类别", "报送分类A", "报送分类", "抽样类型"),
                choices=TASK_TYPE,
            ),
            FieldSpec(
                "result",
                "检验结论",
                required=True,
                synonyms=("检验结果", "结果判定", "判定结论", "抽检结果"),
                choices=RESULT,
            ),
            FieldSpec(
                "failed_items", "不合格项目", synonyms=("不合格项目及检验值", "不合格指标"), max_length=300
            ),
            FieldSpec(
                "disposal_status",
                "核查处置状态",
                synonyms=("处置状态", "核查处置情况", "处置情况"),
                choices=DISPOSAL,
            ),
            FieldSpec(
                "disposed_on",
                "处置完成日期",
                FieldType.DATE,
                synonyms=("处置完成时间", "办结日期", "核查处置完成日期"),
            ),
        ],
    ),
    LedgerKind.COMPLAINTS: LedgerSpec(
        LedgerKind.COMPLAINTS,
        "投诉举报",
        ComplaintRecord,
        "received_on",
        [
            FieldSpec(
                "number",
                "登记编号",
                required=True,
                synonyms=("工单编号", "工单号", "投诉编号", "登记号", "信息编号", "编号"),
                max_length=64,
            ),
            FieldSpec(
                "received_on",
                "登记日期",
                FieldType.DATE,
                True,
                ("受理日期", "接收日期", "登记时间", "来件日期", "登记日期时间", "接收时间"),
            ),
            REGION,
            FieldSpec(
                "channel",
                "来源渠道",
                synonyms=("来源", "渠道", "投诉来源", "信息来源", "来源方式"),
                max_length=20,
            ),
            FieldSpec(
                "category",
                "诉求类别",
                synonyms=("类别", "诉求类型", "问题类别", "信息类别", "业务类型"),
                max_length=60,
            ),
            FieldSpec(
                "subject",
                "被投诉对象",
                synonyms=("被投诉单位", "被举报对象", "被投诉方名称", "被诉主体名称", "被投诉人"),
                max_length=200,
            ),
            FieldSpec(
                "deadline",
                "办结时限",
                FieldType.DATE,
                synonyms=("应办结日期", "办理时限", "截止日期", "办理期限", "承办时限"),
            ),
            FieldSpec(
                "closed_on", "办结日期", FieldType.DATE, synonyms=("办结时间", "完成日期", "办结日期时间")
            ),
            FieldSpec("outcome", "办理结果", synonyms=("处理结果", "办理情况"), max_length=200),
        ],
    ),
    LedgerKind.CASES: LedgerSpec(
        LedgerKind.CASES,
        "执法案件",
        CaseRecord,
        "opened_on",
        [
            FieldSpec(
                "number",
                "案件编号",
                required=True,
                synonyms=("立案编号", "立案号", "案号", "编号"),
                max_length=64,
            ),
            FieldSpec("opened_on", "立案日期", FieldType.DATE, True, ("立案时间",)),
            FieldSpec("closed_on", "结案日期", FieldType.DATE, synonyms=("结案时间",)),
            REGION,
            FieldSpec("case_type", "案件类型", synonyms=("违法类型", "案由类别", "案件类别"), max_length=60),
            FieldSpec("party", "当事人", synonyms=("当事人名称", "被处罚单位"), max_length=200),
            FieldSpec(
                "fine_amount", "罚款金额", FieldType.NUMBER, synonyms=("罚款金额（元）", "罚款（元）", "罚款")
            ),
            FieldSpec(
                "confiscation_amount",
                "没收金额",
                FieldType.NUMBER,
                synonyms=("没收金额（元）", "没收违法所得（元）", "没收违法所得"),
            ),
            FieldSpec(
                "transferred_police", "移送公安", FieldType.BOOL, synonyms=("是否移送公安", "移送公安机关")
            ),
        ],
    ),
}


def ledger_spec(kind: str) -> LedgerSpec:
    """The spec of `kind` with the deployment's extra fields appended."""
    from shian.supervision.models import LedgerField

    try:
        base = SPECS[kind]
    except KeyError:
        from django.core.exceptions import ValidationError

        raise ValidationError({"ledger": f"台账类型“{kind}”不存在（可选：{'、'.join(SPECS)}）"})
    extra = [
        FieldSpec(f.key, f.label, f.data_type, f.required, tuple(_split(f.synonyms)), extra=True)
        for f in LedgerField.objects.filter(ledger=kind)
    ]
    return LedgerSpec(base.kind, base.label, base.model, base.date_field, [*base.fields, *extra])


def _split(text):
    import re

    return [s.strip() for s in re.split(r"[、,，;；\n]+", text or "") if s.strip()]


def _choice_parser(table):
    """Exact values hit a dict first; anything else goes through the header-like normalisation."""
    from shian.core.spreadsheets import parse_choice

    slow = parse_choice(table)

    def parse(v):
        hit = table.get(v) if type(v) is str else None
        return hit if hit is not None else slow(v)

    return parse


def _text_parser(max_length):
    def parse(v):
        s = parse_text(v)
        if max_length and len(s) > max_length:
            raise CellError(f"超过{max_length}个字")
        return s

    return parse


def _money(v):
    d = parse_decimal(v)
    if d < 0:
        raise CellError("不能为负数")
    return d.quantize(Decimal("0.01"))


def field_parser(spec: FieldSpec, region_parser=None):
    if spec.type == "region":
        return region_parser
    if spec.choices:
        return _choice_parser(spec.choices)
    if spec.type == FieldType.DATE:
        return parse_date
    if spec.type == FieldType.NUMBER:
        return _money if not spec.extra else parse_decimal
    if spec.type == FieldType.BOOL:
        return parse_bool
    return _text_parser(spec.max_length)


def columns_for(spec: LedgerSpec, mapping: dict | None, region_parser) -> list[Column]:
    """spreadsheets.Columns of a ledger; headers of a saved mapping become extra synonyms."""
    added: dict[str, list[str]] = {}
    for header, key in (mapping or {}).items():
        added.setdefault(key, []).append(header)
    cols = []
    for f in spec.fields:
        cols.append(
            Column(
                f.key,
                f.label,
                synonyms=(*f.synonyms, *added.get(f.key, ())),
                required=f.key == "number",
                parser=field_parser(f, region_parser),
                allow_blank=not f.required,
            )
        )
    return cols
