"""Import the registry exports offices have: xlsx/xls/csv (GBK too), title rows, header synonyms.

All-or-nothing: every row is validated first (credit-code check digit, 业态, region by code or name
within the importer's scope, dates in Chinese forms) and nothing is written if one row is rejected.
Idempotent: a row whose credit code (else licence number) is already known updates that business; a
correction file that carries only some columns updates just those columns.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from shian.core.audit import log_event
from shian.core.spreadsheets import (
    CellError,
    Column,
    RowError,
    SpreadsheetError,
    _norm_header,
    iter_rows,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_text,
)
from shian.registry import creditcode
from shian.registry.choices import BAOBAO_WORDS, RISK_WORDS, STATUS_WORDS
from shian.registry.models import Business, BusinessImport, SiteCategory

BATCH = 2000
MAX_ERRORS = 500


def _credit(v):
    try:
        return creditcode.validate(parse_text(v))
    except creditcode.CreditCodeError as exc:
        raise CellError(str(exc))


def _licence(v):
    return creditcode.normalise(parse_text(v))


def _lookup_parser(table, missing, ambiguous="名称重名，请填写代码"):
    def parse(v):
        text = parse_text(v).strip()
        hit = table.get(text, table.get(_norm_header(text), False))
        if hit is None:
            raise CellError(ambiguous)
        if hit is False:
            raise CellError(missing)
        return hit

    return parse


def columns(categories=None, regions=None):
    cat = _lookup_parser(categories or {}, "不是已配置的业态（可在业态列表中增加或设置别名）")
    reg = _lookup_parser(regions or {}, "区划不存在或不在您的管辖范围内", "区划名称重名，请填写区划代码")
    return [
        Column(
            "name",
            "主体名称",
            synonyms=["单位名称", "企业名称", "经营者名称", "市场主体名称", "名称", "店名", "主体"],
            required=False,
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            synonyms=["社会信用代码", "信用代码", "统一代码", "社会统一信用代码"],
            required=False,
            parser=_credit,
        ),
        Column(
            "licence_no",
            "许可证编号",
            synonyms=[
                "许可证号",
                "食品经营许可证编号",
                "食品经营许可证号",
                "生产许可证编号",
                "登记证编号",
                "许可证（登记证）编号",
            ],
            required=False,
            parser=_licence,
        ),
        Column(
            "category",
            "业态",
            synonyms=["主体业态", "经营业态", "类别", "点位类别", "经营类别", "单位类别"],
            required=False,
            parser=cat,
        ),
        Column(
            "region",
            "所属区划",
            synonyms=[
                "所属乡镇",
                "乡镇（街道）",
                "乡镇街道",
                "乡镇",
                "街道",
                "所属街道",
                "辖区",
                "区划",
                "区划代码",
                "所属区域",
                "属地",
            ],
            required=False,
            parser=reg,
        ),
        Column("address", "经营地址", synonyms=["地址", "经营场所", "住所", "详细地址"], required=False),
        Column("longitude", "经度", required=False, parser=parse_decimal),
        Column("latitude", "纬度", required=False, parser=parse_decimal),
        Column(
            "status",
            "经营状态",
            synonyms=["状态", "营业状态", "登记状态"],
            required=False,
            parser=parse_choice(STATUS_WORDS),
        ),
        Column(
            "risk_grade",
            "风险等级",
            synonyms=["风险分级", "风险级别", "等级"],
            required=False,
            parser=parse_choice(RISK_WORDS),
        ),
        Column(
            "baobao_level",
            "包保层级",
            synonyms=["包保类别", "包保级别"],
            required=False,
            parser=parse_choice(BAOBAO_WORDS),
        ),
        Column(
            "legal_person",
            "法定代表人",
            synonyms=["负责人", "法定代表人（负责人）", "法人", "经营者"],
            required=False,
        ),
        Column("phone", "联系电话", synonyms=["电话", "手机", "联系方式"], required=False),
        Column("safety_director", "食品安全总监", synonyms=["总监"], required=False),
        Column("safety_officer", "食品安全员", synonyms=["安全员"], required=False),
        Column(
            "licence_valid_until",
            "有效期至",
            synonyms=["许可证有效期", "有效期", "许可证有效期至"],
            required=False,
            parser=parse_date,
        ),
        Column("bright_kitchen", "明厨亮灶", synonyms=["是否明厨亮灶"], required=False, parser=parse_bool),
        Column("sunshine_food", "阳光食品", synonyms=["是否阳光食品"], required=False, parser=parse_bool),
        Column(
            "liability_insurance",
            "食品安全责任保险",
            synonyms=["责任保险", "是否投保", "是否投保食品安全责任保险"],
            required=False,
            parser=parse_bool,
        ),
    ]


TEXT_FIELDS = ("name", "address", "legal_person", "phone", "safety_director", "safety_officer")
VALUE_FIELDS = (
    "longitude",
    "latitude",
    "status",
    "risk_grade",
    "baobao_level",
    "licence_valid_until",
    "bright_kitchen",
    "sunshine_food",
    "liability_insurance",
)


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)
    batch: BusinessImport | None = None

    @property
    def ok(self):
        return not self.errors

    def summary(self) -> str:
        return f"读取 {self.rows_read} 行，新增 {self.created} 个，更新 {self.updated} 个，拒绝 {self.rejected} 行"


def category_lookup():
    """{normalised name, code or alias → category}."""
    table = {}
    for cat in SiteCategory.objects.filter(is_active=True):
        for key in (
            cat.name,
            cat.code,
            *[a for a in cat.aliases.replace("，", "、").split("、") if a.strip()],
        ):
            table.setdefault(_norm_header(key), cat)
    return table


def categories_named(names) -> tuple[list[SiteCategory], list[str]]:
    """The categories that `names` (names, codes or aliases) mean, and the names that mean none."""
    if not names:
        return [], []
    table = category_lookup()
    found, unknown = [], []
    for name in names:
        cat = table.get(_norm_header(name))
        if cat is None:
            unknown.append(name)
        elif cat not in found:
            found.append(cat)
    return found, unknown


def region_lookup(scope_path):
    """{code, name or parent+name → region} under `scope_path`; a name used twice maps to None."""
    from shian.organisation.models import Region

    regions = list(Region.objects.filter(path__startswith=scope_path).select_related("parent"))
    table, names = {}, {}
    for r in regions:
        table[r.code] = r
        for key in {r.name, f"{r.parent.name}{r.name}" if r.parent_id else r.name}:
            names.setdefault(key, []).append(r)
    for key, hits in names.items():
        table.setdefault(key, hits[0] if len(hits) == 1 else None)
    return table | {_norm_header(k): v for k, v in table.items() if _norm_header(k) not in table}


def _scope_path(actor):
    if actor is None or actor.is_admin:
        return "/"
    if actor.role == "office" and actor.region_scope is not None:
        return actor.region_scope.path
    if actor.unit_id and actor.unit.kind == "township" and not actor.is_read_only:
        return actor.unit.region.path
    raise PermissionDenied("只有创建办（或乡镇对本乡镇）可以导入主体库")


def import_businesses(source, *, actor, filename="") -> ImportResult:
    """Read, validate everything, then create/update in one transaction (see module docstring)."""
    scope = _scope_path(actor)
    result = ImportResult()
    cols = columns(category_lookup(), region_lookup(scope))
    try:
        stream = iter_rows(source, cols)
    except SpreadsheetError as exc:
        result.errors.append(str(exc))
        return result
    if stream.errors:
        result.errors = [str(e) for e in stream.errors]
        return result
    found = set(stream.columns_found)
    if not ({"credit_code", "licence_no"} & found):
        result.errors.append("缺少“统一社会信用代码”或“许可证编号”列：主体按这两列之一识别")
        return result
    sheet = stream.sheet
    labels = {c.key: stream.columns_found.get(c.key) or c.label for c in cols}
    rows, seen = [], {}

    def err(rec, key, value, message):
        result.errors.append(str(RowError(sheet, rec["_row"], None, labels[key], value, message)))

    for rec in stream:
        result.rows_read += 1
        ident = rec.get("credit_code") or rec.get("licence_no")
        if not ident:
            err(rec, "credit_code", None, "统一社会信用代码和许可证编号至少填写一项")
            continue
        if ident in seen:
            err(
                rec,
                "credit_code" if rec.get("credit_code") else "licence_no",
                ident,
                f"与第{seen[ident]}行重复",
            )
            continue
        seen[ident] = rec["_row"]
        rows.append(rec)
        if len(result.errors) >= MAX_ERRORS:
            break
    result.errors.extend(str(e) for e in stream.errors)
    if result.errors:
        result.rejected = len(result.errors)
        return result
    _write(rows, found, scope, actor, filename, result)
    return result


def _existing(rows, present):
    """Known businesses by credit code and by licence number, as plain dicts (chunked IN queries)."""
    attnames = ["pk", "name", "version", "region__path", "credit_code", "licence_no"]
    attnames += [f"{k}_id" if k in ("category", "region") else k for k in present if k not in attnames]
    codes = {r["credit_code"] for r in rows if r.get("credit_code")}
    licences = {r["licence_no"] for r in rows if r.get("licence_no")}
    # Identifiers of the whole table are cheap to read; an IN list of 50,000 parameters is not.
    hits = {
        pk
        for pk, c, lic in Business.objects.values_list("pk", "credit_code", "licence_no")
        if (c and c in codes) or (lic and lic in licences)
    }
    by_code, by_licence = {}, {}
    if not hits:
        return by_code, by_licence
    qs = Business.objects.values(*dict.fromkeys(attnames))
    if len(hits) <= BATCH:
        qs = qs.filter(pk__in=hits)
    for b in qs.iterator(chunk_size=BATCH):
        if b["pk"] in hits:
            if b["credit_code"]:
                by_code[b["credit_code"]] = b
            if b["licence_no"]:
                by_licence[b["licence_no"]] = b
    return by_code, by_licence


def _insert(records, present, now):
    """New businesses with one executemany (the ORM's bulk_create costs more than reading the file)."""
    from django.db import connection

    ops = connection.ops
    fields = [f for f in Business._meta.concrete_fields if not f.primary_key]
    stamp = ops.adapt_datetimefield_value(now)

    def value(f, rec):
        if f.name in ("created_at", "updated_at"):
            return stamp
        key = f.name
        v = rec.get(key) if key in present else None
        if v is None:
            return f.get_default() if f.has_default() or not f.null else None
        if f.is_relation:
            return v.pk
        if f.get_internal_type() == "DateField":
            return ops.adapt_datefield_value(v)
        if f.get_internal_type() == "DecimalField":
            return ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
        return v

    table = connection.ops.quote_name(Business._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for i in range(0, len(records), BATCH):
            cursor.executemany(sql, [[value(f, rec) for f in fields] for rec in records[i : i + BATCH]])


def _write(rows, found, scope, actor, filename, result):
    present = [
        f
        for f in (*TEXT_FIELDS, *VALUE_FIELDS, "category", "region", "credit_code", "licence_no")
        if f in found
    ]
    by_code, by_licence = _existing(rows, present)
    new, changed, fields_changed, now = [], [], set(), timezone.now()
    for rec in rows:
        where = f"工作表“{rec['_sheet']}”第{rec['_row']}行"
        old = by_code.get(rec.get("credit_code")) or by_licence.get(rec.get("licence_no"))
        if old is None:
            missing = [
                label
                for key, label in (("name", "主体名称"), ("category", "业态"), ("region", "所属区划"))
                if not rec.get(key)
            ]
            if missing:
                result.errors.append(f"{where}：新主体必须填写{'、'.join(missing)}")
                continue
            new.append(rec)
            continue
        if not old["region__path"].startswith(scope):
            result.errors.append(f"{where}：主体“{old['name']}”不在您的管辖范围内，不能修改")
            continue
        diff = {}
        for key in present:
            value = rec.get(key)
            if value is None:
                continue  # a blank cell in a correction file keeps what is there
            if key in ("category", "region"):
                if old[f"{key}_id"] != value.pk:
                    diff[f"{key}_id"] = value.pk
            elif old[key] != value:
                diff[key] = value
        if diff:
            fields_changed.update(diff)
            changed.append(Business(pk=old["pk"], version=old["version"] + 1, updated_at=now, **diff))
    if result.errors:
        result.rejected = len(result.errors)
        return
    with transaction.atomic():
        _insert(new, present, now)
        if changed:
            Business.objects.bulk_update(
                changed, [*sorted(fields_changed), "version", "updated_at"], batch_size=BATCH
            )
        result.created, result.updated = len(new), len(changed)
        batch = BusinessImport.objects.create(
            filename=filename[:200],
            rows_read=result.rows_read,
            created=result.created,
            updated=result.updated,
            imported_by=actor if actor is not None and actor.pk else None,
        )
        log_event(batch, "businesses_imported", note=result.summary())
        result.batch = batch
