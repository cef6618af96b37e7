from django.db import models


class LedgerKind(models.TextChoices):
    SAMPLING = "sampling", "抽检"
    COMPLAINTS = "complaints", "投诉举报"
    CASES = "cases", "执法案件"


class Stage(models.TextChoices):
    PRODUCTION = "生产", "生产"
    CIRCULATION = "流通", "流通"
    CATERING = "餐饮", "餐饮"
    ONLINE = "网络", "网络"


class TaskType(models.TextChoices):
    SUPERVISION = "监督抽检", "监督抽检"
    EVALUATION = "评价性抽检", "评价性抽检"
    RISK = "风险监测", "风险监测"
    FARM = "农产品定量检测", "农产品定量检测"
    RAPID = "快检", "快检"


class SampleResult(models.TextChoices):
    PASS = "合格", "合格"
    FAIL = "不合格", "不合格"
    PENDING = "待检", "待检"


class DisposalStatus(models.TextChoices):
    NONE = "无需处置", "无需处置"
    OPEN = "处置中", "处置中"
    DONE = "已处置", "已处置"


class FieldType(models.TextChoices):
    TEXT = "text", "文本"
    NUMBER = "number", "数值"
    DATE = "date", "日期"
    BOOL = "bool", "是/否"


class Frequency(models.TextChoices):
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    HALF = "half", "半年"
    YEAR = "year", "年"


class MetricAggregation(models.TextChoices):
    SUM = "sum", "累计（各期相加）"
    LAST = "last", "存量（取期末值）"


class Formula(models.TextChoices):
    TOTAL = "total", "合计（计数/求和）"
    RATIO = "ratio", "比率（分子/分母）"
    PER_1000 = "per_1000", "每千人（按常住人口）"
    SHARE_OF_TARGET = "share_of_target", "完成年度目标比例"
    YOY = "yoy", "同比变化"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    HALF = "half", "半年"
    YEAR = "year", "年度"
    ROLLING12 = "rolling12", "滚动12个月"
    REVIEW3 = "review3", "评审前三年"


class Comparison(models.TextChoices):
    GTE = "gte", "不低于"
    LTE = "lte", "不高于"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已导入"
    REJECTED = "rejected", "已拒绝（有错误）"
    FAILED = "failed", "失败"
