"""Text out of PDF, DOCX, XLSX/XLS and images (tesseract chi_sim), jieba tokens, document dates.

Each extractor takes a local path and returns text; failures raise `Unreadable`. The extraction
job (tasks.py) copies a stored file to a temporary path first, so S3 storage works the same.
"""

import datetime
import logging
import re
import shutil
import subprocess
import zipfile

logger = logging.getLogger("shian.evidence")
MAX_TEXT = 500_000  # characters kept per material
TESSERACT_TIMEOUT = 120


class Unreadable(Exception):
    """The file could not be read (corrupt, encrypted, wrong content)."""


def _pdf(path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise Unreadable("PDF 已加密")
        parts = []
        for page in reader.pages:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_TEXT:
                break
        return "\n".join(parts)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Unreadable(f"PDF 无法解析：{exc}")


def _docx(path) -> str:
    import docx

    try:
        document = docx.Document(path)
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise Unreadable(f"Word 文件无法解析：{exc}")
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(path) -> str:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        parts = []
        for name in book.sheet_names:
            parts.append(name)
            for row in book.get_sheet_by_name(name).to_python(skip_empty_area=True):
                parts.append(" ".join(_cell(v) for v in row if v not in (None, "")))
                if sum(map(len, parts)) > MAX_TEXT:
                    break
        return "\n".join(parts)
    except Exception as exc:  # calamine raises its own error types
        raise Unreadable(f"Excel 文件无法解析：{exc}")


def ocr_available() -> bool:
    return bool(shutil.which("tesseract"))


def _image(path) -> str | None:
    if not ocr_available():
        return None
    try:
        result = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "chi_sim+eng"],
            capture_output=True,
            timeout=TESSERACT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Unreadable("图片文字识别超时")
    if result.returncode != 0:
        raise Unreadable("图片无法识别：" + result.stderr.decode("utf-8", "ignore")[:200])
    text = result.stdout.decode("utf-8", "ignore")
    # tesseract puts spaces between Chinese characters; join them back.
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)


def _zip(path) -> str:
    import tempfile
    from pathlib import Path

    from shian.core.filetypes import detect_kind

    parts = []
    try:
        with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
            for info in zf.infolist():
                if info.is_dir() or info.file_size == 0:
                    continue
                target = Path(tmp) / f"member-{len(parts)}"
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
                try:
                    with open(target, "rb") as fh:
                        kind = detect_kind(fh, info.filename, info.file_size, depth=1)
                    text = extract_text(target, kind) or ""
                except Exception:  # one bad member does not hide the others' text
                    text = ""
                parts.append(f"{info.filename}\n{text}")
                target.unlink()
                if sum(map(len, parts)) > MAX_TEXT:
                    break
    except zipfile.BadZipFile as exc:
        raise Unreadable(f"压缩包无法解析：{exc}")
    return "\n".join(parts)


EXTRACTORS = {
    "pdf": _pdf,
    "docx": _docx,
    "xlsx": _sheet,
    "xls": _sheet,
    "jpg": _image,
    "png": _image,
    "zip": _zip,
}


def extract_text(path, kind: str) -> str | None:
    """The file's text; None when this kind has no extractor here (old .doc, images without OCR)."""
    func = EXTRACTORS.get(kind)
    if func is None:
        return None
    text = func(path)
    return None if text is None else text[:MAX_TEXT]


# --- Chinese tokens -----------------------------------------------------------------------------

_WORD = re.compile(r"\w", re.UNICODE)
STOPWORDS = set(
    "的 了 和 与 及 或 等 在 对 按 是 为 有 以 中 并 其 将 由 于 被 把 之 各 该 本 年 月 日 个 项 次 第".split()
) | {
    "以上",
    "以下",
    "情况",
    "工作",
    "相关",
    "有关",
    "开展",
    "进行",
    "关于",
    "通知",
    "要求",
    "按照",
    "根据",
    "材料",
}


_JIEBA = None


def _jieba():
    global _JIEBA
    if _JIEBA is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _JIEBA = jieba
    return _JIEBA


def tokens(text: str, keep_single: bool = False) -> list[str]:
    """Precise-mode jieba words with punctuation and stop words removed (for matching/queries).

    Single Chinese characters carry little meaning for matching and are dropped unless asked for
    (a search for one character keeps it)."""
    return [
        w
        for w in (t.strip().lower() for t in _jieba().cut(text or ""))
        if w and _WORD.search(w) and w not in STOPWORDS and (keep_single or len(w) > 1 or w.isascii())
    ]


def segment_for_index(text: str) -> str:
    """Search-mode segmentation (words plus their sub-words), space separated, for the index."""
    return " ".join(
        w for w in (t.strip().lower() for t in _jieba().cut_for_search(text or "")) if w and _WORD.search(w)
    )


# --- document dates ------------------------------------------------------------------------------

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"([二〇○零一三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日"
)


def _cn_number(text: str) -> int:
    if len(text) == 4:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def detect_document_date(text: str) -> datetime.date | None:
    """The document's date: the last full date in the text (a 公文's 成文日期 closes it)."""
    found = []
    for m in _DATE.finditer(text or ""):
        found.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _CN_DATE.finditer(text or ""):
        try:
            found.append((m.start(), _cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3))))
        except (KeyError, ValueError):
            continue
    for _, y, mth, d in sorted(found, reverse=True):
        try:
            return datetime.date(y, mth, d)
        except ValueError:
            continue
    return None
