"""Reading framework files (spreadsheets as offices keep them, or YAML) into tree data."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

import yaml

from shian.core.spreadsheets import (
    CellError,
    Column,
    RowError,
    SpreadsheetError,
    format_error,
    parse_date,
    parse_decimal,
    read_sheet,
    read_workbook,
)
from shian.framework.extensions import item_fields
from shian.framework.importing.layouts import (
    _ATTACHMENT_RE,
    _CN_NUM,
    _DEDUCT_RE,
    _ENUM_RE,
    _LINE_ENUM_RE,
    _PERIOD_RE,
    _POINTS_SUFFIX,
    _SUMMARY_WORDS,
    CATEGORY_COLUMNS,
    CATEGORY_SHEET,
    CRITERIA_2023_COLUMNS,
    DEDUCTION_COLUMNS,
    DEDUCTION_SHEET,
    DETAIL_SHEETS,
    GATE_COLUMNS,
    GATE_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    INFO_COLUMNS,
    INFO_KEYS,
    INFO_SHEET,
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    METHOD_KEYWORDS,
    SPREADSHEET_EXTENSIONS,
    TASK_ITEM_COLUMNS,
    TASK_LIST_COLUMNS,
    TASK_WORDS,
    YAML_EXTENSIONS,
    _is_2023_layout,
)
from shian.framework.matching import split_names
from shian.framework.treedata import (
    KIND_WORDS,
    TreeError,
    canon,
    clean_gate,
    clean_tree,
    date_from_text,
)


@dataclass
class ReadResult:
    tree: dict | None = None
    errors: list[str] = field(default_factory=list)
    title: str = ""
    # unit name → where it appears ("第12行"), for the preview
    unit_places: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.tree is not None and not self.errors


# ------------------------------------------------------------------------------------ reading


def read_tree(source, filename: str) -> ReadResult:
    """Read a framework file into tree data; the format follows the file name's extension."""
    ext = os.path.splitext(filename or "")[1].lower()
    data = _bytes(source)
    if ext in YAML_EXTENSIONS:
        return _read_yaml(data)
    if ext in SPREADSHEET_EXTENSIONS or not ext:
        return _read_spreadsheet(data, filename)
    return ReadResult(errors=[f"不支持的文件类型“{ext}”，请上传 .xlsx、.xls 或 .yaml 文件"])


def _bytes(source) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            return fh.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def _read_yaml(data: bytes) -> ReadResult:
    try:
        raw = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return ReadResult(errors=["YAML 文件须为 UTF-8 编码"])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        return ReadResult(errors=[f"YAML 格式错误{where}：{getattr(exc, 'problem', '') or exc}"])
    try:
        tree = clean_tree(raw)
    except TreeError as exc:
        return ReadResult(errors=[str(exc)])
    result = ReadResult(tree=tree, title=tree["name"])
    for cat in tree["categories"]:
        for ind in cat["indicators"]:
            for item in ind["items"]:
                for name in item["lead_units"] + item["coop_units"]:
                    result.unit_places.setdefault(name, []).append(
                        f"评分项{item['code'] or item['content'][:10]}"
                    )
    return result


class _Sheets:
    """Sheet names, raw rows (absolute coordinates) and header letters, for what the reader
    does not expose: the title row above the header and the column letter of a header."""

    def __init__(self, data: bytes):
        self.kind = {b"PK\x03\x04": "xlsx", b"\xd0\xcf\x11\xe0": "xls"}.get(data[:4], "csv")
        self.names: list[str] = []
        self.wb = None
        if self.kind != "csv":
            from python_calamine import CalamineWorkbook

            try:
                self.wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            except Exception as exc:
                raise SpreadsheetError(f"无法读取文件，请确认是有效的 Excel 文件（{exc}）")
            self.names = list(self.wb.sheet_names)

    def head_rows(self, sheet: str, upto: int) -> list[list]:
        if self.wb is None:
            return []
        sh = self.wb.get_sheet_by_name(sheet)
        if sh.start is None:
            return []
        rows = []
        for i, row in enumerate(sh.iter_rows()):
            if i >= upto:
                break
            rows.append([""] * sh.start[1] + list(row))
        return rows

    def letters(self, sheet: str, header_row: int | None, found: dict[str, str]) -> dict[str, str]:
        from shian.core.spreadsheets import _clean, _col_letter

        if header_row is None:
            return {}
        rows = self.head_rows(sheet, header_row + 1)
        out = {}
        for key, text in found.items():
            for r in rows[header_row - 1 : header_row + 1]:
                for c, v in enumerate(r):
                    if isinstance(v, str) and _clean(v) == text:
                        out.setdefault(key, _col_letter(c))
        return out

    def title(self, sheet: str, header_row: int | None) -> str:
        if not header_row:
            return ""
        for row in self.head_rows(sheet, header_row - 1):
            for v in row:
                if isinstance(v, str) and v.strip() and not _ATTACHMENT_RE.match(v.strip()):
                    return re.sub(r"\s+", "", v.strip().translate({0x3000: None}))
        return ""


class _Errors(list):
    def cell(self, sheet, row, letter, label, value, message):
        self.append(format_error(RowError(sheet, row, letter, label, value, message)))


def _read_spreadsheet(data: bytes, filename: str) -> ReadResult:
    try:
        sheets = _Sheets(data)
        names = [n for n in sheets.names if n not in DETAIL_SHEETS] or None
        src = _named(data, filename)
        main = _read_items(src, names, ITEM_COLUMNS)
        if _is_2023_layout(main):
            main = _read_items(_named(data, filename), names, CRITERIA_2023_COLUMNS)
        if any(s.columns_found.get("content") in TASK_WORDS for s in main.sheets):
            tasks = _read_items(_named(data, filename), names, TASK_ITEM_COLUMNS)
            if not all("content" in s.columns_found for s in tasks.sheets if s.header_row):
                tasks = _read_items(_named(data, filename), names, TASK_LIST_COLUMNS)
            main = tasks
    except SpreadsheetError as exc:
        return ReadResult(errors=[str(exc)])
    errors = _Errors(_as_written(e, main) for e in main.errors)
    if names is not None:  # sheets of other kinds (a cover, a notes sheet) are not errors
        errors = _Errors(
            _as_written(e, main) for s in main.sheets if s.header_row or s.records for e in s.errors
        )
        main.sheets = [s for s in main.sheets if s.header_row]
        if not main.sheets:
            errors.append("文件中没有找到评价细则表（表头应包含“评分要点”“分值”等列）")
    result = ReadResult()
    details = {n: n in sheets.names for n in DETAIL_SHEETS}
    tree = {
        "name": "",
        "version_label": "",
        "issuer": "",
        "description": "",
        "is_sample": False,
        "pass_line": None,
        "key_item_min_share": None,
        "default_step": Decimal("0.5"),
        "categories": [],
        "gates": [],
    }
    cats: dict[str, dict] = {}
    inds: dict[tuple[str, str], dict] = {}
    by_seq: dict[int, dict] = {}
    running = 0

    def detail(sheet, columns):
        if not details[sheet]:
            return []
        res = read_sheet(_named(data, filename), columns, sheet=sheet)
        errors.extend(str(e) for e in res.errors)
        return res.records

    for rec in detail(INFO_SHEET, INFO_COLUMNS):
        key = INFO_KEYS.get((rec.get("key") or "").strip())
        if key:
            tree[key] = rec.get("value")
    for rec in detail(CATEGORY_SHEET, CATEGORY_COLUMNS):
        kind = KIND_WORDS.get((rec.get("kind") or "").strip(), None) if rec.get("kind") else "base"
        if kind is None:
            errors.cell(
                CATEGORY_SHEET, rec["_row"], None, "类型", rec.get("kind"), "无法识别（可填：基本项、加分项）"
            )
            continue
        cats[rec["name"]] = {
            "code": rec.get("code") or "",
            "name": rec["name"],
            "kind": kind,
            "points": rec.get("points"),
            "cap": rec.get("cap"),
            "indicators": [],
        }
    for rec in detail(INDICATOR_SHEET, INDICATOR_COLUMNS):
        cat = cats.get(rec["category"])
        if cat is None:
            errors.cell(
                INDICATOR_SHEET, rec["_row"], None, "一级指标", rec["category"], "在“类别”工作表中不存在"
            )
            continue
        ind = {
            "code": rec.get("code") or "",
            "name": rec["name"],
            "description": rec.get("description") or "",
            "items": [],
        }
        cat["indicators"].append(ind)
        inds[(cat["name"], rec["name"])] = ind

    for sheet in main.sheets:
        letters = sheets.letters(sheet.sheet, sheet.header_row, sheet.columns_found)
        if not result.title:
            result.title = sheets.title(sheet.sheet, sheet.header_row)
        has_code = "code" in sheet.columns_found
        last_cat = last_ind = None
        for rec in sheet.records:
            row, sh = rec["_row"], sheet.sheet
            texts = [str(rec.get(k) or "") for k in ("seq", "code", "category", "indicator", "content")]
            if any(t.replace(" ", "").startswith(_SUMMARY_WORDS) for t in texts if t):
                continue
            cat_text = rec.get("category") or rec.get("_section")
            ind_text = rec.get("indicator")
            if cat_text and cat_text != (last_cat or {}).get("_raw"):
                last_cat = _category(cats, cat_text)
                last_ind = None
            if ind_text and last_cat is not None and (last_ind is None or ind_text != last_ind.get("_raw")):
                last_ind = _indicator(inds, last_cat, ind_text)
            if rec.get("content") is None and all(rec.get(k) is None for k in _ITEM_ONLY_KEYS):
                continue  # a heading row: category / indicator only
            if rec.get("content") is None:
                errors.cell(
                    sh, row, letters.get("content"), _hdr(sheet, "content", "评分要点"), None, "不能为空"
                )
                continue
            if rec.get("points") is None and "points" not in sheet.columns_found:
                rec["points"] = Decimal(
                    0
                )  # a task list without 分值: points are added when it becomes a framework
            if rec.get("points") is None:
                errors.cell(sh, row, letters.get("points"), _hdr(sheet, "points", "分值"), None, "不能为空")
                continue
            if last_cat is None:
                errors.cell(
                    sh,
                    row,
                    letters.get("category"),
                    _hdr(sheet, "category", "一级指标"),
                    None,
                    "未填写所属类别（一级指标）",
                )
                continue
            if last_ind is None:
                if "indicator" in sheet.columns_found:
                    errors.cell(
                        sh,
                        row,
                        letters.get("indicator"),
                        _hdr(sheet, "indicator", "二级指标"),
                        None,
                        "未填写所属指标（二级指标）",
                    )
                    continue
                last_ind = _indicator(inds, last_cat, last_cat["name"])
            item = _item(rec, sheet, letters, errors, has_code)
            if item is None:
                continue
            last_ind["items"].append(item)
            running += 1
            key = running
            if rec.get("seq") is not None and has_code:
                try:
                    key = int(parse_decimal(rec["seq"]))
                except (CellError, ValueError):
                    pass
            by_seq.setdefault(key, item)
            for key in ("lead_units", "coop_units"):
                for name in item[key]:
                    result.unit_places.setdefault(name, []).append(f"工作表“{sh}”第{row}行")

    for rec in detail(DEDUCTION_SHEET, DEDUCTION_COLUMNS):
        item = by_seq.get(int(rec["item"]))
        if item is None:
            errors.cell(DEDUCTION_SHEET, rec["_row"], None, "评分项序号", rec["item"], "在评价细则表中不存在")
            continue
        if not item.get("_detail_deductions"):
            item["deductions"], item["_detail_deductions"] = [], True
        item["deductions"].append(
            {
                "description": rec["description"],
                "points": rec["points"],
                "per_occurrence": _yes(rec.get("per_occurrence")),
            }
        )
    for rec in detail(MATERIAL_SHEET, MATERIAL_COLUMNS):
        item = by_seq.get(int(rec["item"]))
        if item is None:
            errors.cell(MATERIAL_SHEET, rec["_row"], None, "评分项序号", rec["item"], "在评价细则表中不存在")
            continue
        if not item.get("_detail_materials"):
            item["materials"], item["_detail_materials"] = [], True
        item["materials"].append(
            {
                "name": rec["name"],
                "description": rec.get("description") or "",
                "provider": rec.get("provider") or "",
                "period": rec.get("period") or "any",
                "period_years": rec.get("period_years"),
            }
        )
        if rec.get("provider"):
            result.unit_places.setdefault(rec["provider"], []).append(
                f"工作表“{MATERIAL_SHEET}”第{rec['_row']}行"
            )
    for rec in detail(GATE_SHEET, GATE_COLUMNS):
        try:
            tree["gates"].append(
                clean_gate(
                    {k: rec.get(k) for k in ("kind", "name", "metric", "threshold", "description")},
                    f"工作表“{GATE_SHEET}”第{rec['_row']}行",
                )
            )
        except TreeError as exc:
            errors.append(str(exc))

    if errors:
        return ReadResult(errors=list(errors), title=result.title)
    tree["categories"] = [_strip_private(c) for c in cats.values()]
    if not any(i for c in tree["categories"] for ind in c["indicators"] for i in ind["items"]):
        return ReadResult(errors=["文件中没有找到任何评分项"], title=result.title)
    tree["name"] = (
        tree["name"]
        or result.title
        or os.path.splitext(os.path.basename(filename or ""))[0]
        or "导入的评价细则"
    )
    try:
        result.tree = clean_tree(tree)
    except TreeError as exc:
        return ReadResult(errors=[str(exc)], title=result.title)
    return result


# Cells only an item row fills: a row with one of them but no 评分要点 is an error, not a heading.
_ITEM_ONLY_KEYS = ("points", "scoring_rule", "materials", "lead", "coop", "deadline", "deductions")


def _read_items(src, names, columns):
    columns = columns + [
        Column(f.key, f.label, synonyms=list(f.synonyms), required=False) for f in item_fields()
    ]
    return read_workbook(src, columns, sheets=names) if names is not None else read_workbook(src, columns)


def _hdr(sheet, key: str, label: str) -> str:
    return sheet.columns_found.get(key) or label


_LABEL_KEYS = {c.label: c.key for c in ITEM_COLUMNS}


def _as_written(error: RowError, result) -> str:
    """The error with the column named as the sheet's header says (标准分 rather than 分值)."""
    sheet = next((s for s in result.sheets if s.sheet == error.sheet), None)
    written = (
        sheet.columns_found.get(_LABEL_KEYS.get(error.column_label)) if sheet and error.row_number else None
    )
    return format_error(replace(error, column_label=written) if written else error)


def _named(data: bytes, filename: str):
    buf = io.BytesIO(data)
    buf.name = filename or "upload"
    return buf


def _strip_private(obj):
    if isinstance(obj, dict):
        return {k: _strip_private(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [_strip_private(v) for v in obj]
    return obj


def _yes(value) -> bool:
    return str(value or "").strip() in ("是", "√", "★", "1", "true", "True", "Y", "y", "关键项", "按次")


def _split_heading(text: str) -> tuple[str, str, Decimal | None]:
    """ "一、基础工作（30分）" → ("一", "基础工作", 30); "1.2 党政同责" → ("1.2", "党政同责", None)."""
    text = text.replace("\n", "").strip()
    points = None
    m = _POINTS_SUFFIX.search(text)
    if m:
        points = canon(Decimal(m.group(1)))
        text = text[: m.start()].strip()
    code = ""
    m = _ENUM_RE.match(text)
    if m and m.end() < len(text):
        paren, numeral, number = m.groups()
        code = f"（{paren}）" if paren else (numeral or number or m.group(0).strip())
        text = text[m.end() :].strip()
    return code, text, points


def _category(cats: dict, raw: str) -> dict:
    code, name, points = _split_heading(raw)
    cat = cats.get(name)
    if cat is None:
        bonus = any(w in name for w in ("示范引领", "加分", "鼓励项"))
        cat = {
            "code": code,
            "name": name,
            "kind": "bonus" if bonus else "base",
            "points": None if bonus else points,
            "cap": points if bonus else None,
            "indicators": [],
        }
        cats[name] = cat
    cat["_raw"] = raw
    return cat


def _indicator(inds: dict, cat: dict, raw: str) -> dict:
    code, name, _points = _split_heading(raw)
    ind = inds.get((cat["name"], name))
    if ind is None:
        ind = {"code": code, "name": name, "description": "", "items": []}
        inds[(cat["name"], name)] = ind
        cat["indicators"].append(ind)
    ind["_raw"] = raw
    return ind


def _lines(text) -> list[str]:
    """Cell lines without enumerators ("1." "（2）" "①") and blanks."""
    out = []
    for line in str(text or "").split("\n"):
        line = line.strip().strip("；;")
        m = _LINE_ENUM_RE.match(line)
        if m and m.end() < len(line):
            line = line[m.end() :].strip()
        if line:
            out.append(line)
    return out


def _item(rec, sheet, letters, errors: _Errors, has_code) -> dict | None:
    sh, row = sheet.sheet, rec["_row"]
    content = rec["content"]
    is_key = False
    for mark in ("★", "☆", "*", "（关键项）", "(关键项)", "【关键项】"):
        if content.startswith(mark) or content.endswith(mark):
            is_key = True
            content = content.strip().removeprefix(mark).removesuffix(mark).strip()
    if rec.get("is_key") is not None:
        text = str(rec["is_key"]).strip()
        if _yes(text):
            is_key = True
        elif text not in ("否", "×", "0", "", "false", "False"):
            errors.cell(
                sh, row, letters.get("is_key"), _hdr(sheet, "is_key", "关键项"), text, "应填“是”或“否”（或★）"
            )
            return None
    code = rec.get("code") if has_code else rec.get("seq")
    methods = []
    for part in split_names(rec.get("methods")):
        hits = [m for m, words in METHOD_KEYWORDS if any(w in part for w in words)]
        if not hits:
            errors.cell(
                sh,
                row,
                letters.get("methods"),
                _hdr(sheet, "methods", "评价方式"),
                part,
                "无法识别（可填：资料审查、现场检查、领导访谈、问卷调查、数据核验）",
            )
            return None
        methods += [m for m in hits if m not in methods]
    deadline, deadline_text = None, ""
    value = rec.get("deadline")
    if value is not None:
        if hasattr(value, "year"):
            deadline = value if not hasattr(value, "date") else value.date()
        elif isinstance(value, int | float):
            try:
                deadline = parse_date(value)
            except CellError as exc:
                errors.cell(
                    sh, row, letters.get("deadline"), _hdr(sheet, "deadline", "完成时限"), value, str(exc)
                )
                return None
        else:
            deadline_text = str(value).strip()
            head, sep, tail = deadline_text.rpartition("；")
            if sep and re.fullmatch(r"\d{4}-\d{2}-\d{2}", tail.strip()):
                deadline_text, deadline = head.strip(), date_from_text(tail.strip())
            else:
                deadline = date_from_text(deadline_text)
    lead_text, coop_text = rec.get("lead") or "", rec.get("coop") or ""
    m = re.search(r"牵头[：:]\s*(.*?)\s*[；;\n]\s*配合[：:]\s*(.*)$", lead_text, re.S)
    if m:
        lead_text, coop_text = m.group(1), m.group(2) + ("、" + coop_text if coop_text else "")
    rubric = []
    for part in re.split(r"[；;\n]+", rec.get("rubric") or ""):
        if not part.strip():
            continue
        mm = re.fullmatch(
            r"\s*(.+?)\s*[：:]\s*(\d+(?:\.\d+)?)\s*(?:[-~～—至]\s*(\d+(?:\.\d+)?))?\s*分?\s*", part
        )
        if not mm:
            errors.cell(
                sh,
                row,
                letters.get("rubric"),
                _hdr(sheet, "rubric", "等级评分"),
                part,
                "格式应为“等级：最低分～最高分”，如“好：4～5”",
            )
            return None
        lo = Decimal(mm.group(2))
        rubric.append({"level": mm.group(1), "min": lo, "max": Decimal(mm.group(3)) if mm.group(3) else lo})
    item = {
        "code": str(code or "").strip(),
        "content": content,
        "points": rec["points"],
        "step": rec.get("step"),
        "methods": methods,
        "scoring_rule": rec.get("scoring_rule") or "",
        "rubric": rubric,
        "is_key": is_key,
        "key_min_share": rec.get("key_min_share"),
        "deadline": deadline,
        "deadline_text": deadline_text,
        "lead_units": split_names(lead_text),
        "coop_units": [],
        "deductions": [],
        "materials": [],
    }
    item["coop_units"] = [n for n in split_names(coop_text) if n not in item["lead_units"]]
    for f in item_fields():
        item[f.key] = split_names(rec.get(f.key))
        unknown = f.unknown(item[f.key])
        if unknown:
            errors.cell(
                sh, row, letters.get(f.key), _hdr(sheet, f.key, f.label), "、".join(unknown), "不存在"
            )
            return None
    for line in _lines(rec.get("deductions")):
        found = _DEDUCT_RE.findall(line)
        if not found:
            errors.cell(
                sh,
                row,
                letters.get("deductions"),
                _hdr(sheet, "deductions", "扣分规则"),
                line,
                "未写明扣几分（如“未制定责任清单扣1分”）",
            )
            return None
        desc = re.sub(r"\s*[（(]\s*扣\s*\d+(?:\.\d+)?\s*分\s*(?:[，,]\s*按次)?\s*[)）]\s*$", "", line).strip()
        item["deductions"].append(
            {
                "description": desc or line,
                "points": Decimal(found[-1]),
                "per_occurrence": "按次" in line or line.startswith("每") or "每" in desc[:6],
            }
        )
    for line in _lines(rec.get("materials")):
        period, years = "any", None
        pm = _PERIOD_RE.search(line)
        name = line
        if pm:
            name = line[: pm.start()].strip()
            word = pm.group(1)
            if word in ("当年", "本年度"):
                period = "current_year"
            elif word == "创建以来":
                period = "since_campaign"
            else:
                n = pm.group(2)
                period, years = "last_years", int(n) if n.isdigit() else _CN_NUM.get(n, None)
        item["materials"].append(
            {"name": name or line, "description": "", "provider": "", "period": period, "period_years": years}
        )
    return item
