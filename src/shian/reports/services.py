"""Document rules: create a document, edit its words, generate a numbered .docx (and .pdf) version."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shian.core import gbt9704 as g
from shian.core import policy
from shian.core.audit import log_event
from shian.core.gbt9704 import docx_to_pdf  # noqa: F401 (views, API and the command use services.docx_to_pdf)
from shian.core.services import save_versioned
from shian.reports.choices import KIND_PARAMS, DocumentKind
from shian.reports.documents import draft as build_draft
from shian.reports.documents import resolve
from shian.reports.models import Document, DocumentFile

NUMBERED_KINDS = (DocumentKind.BULLETIN, DocumentKind.CIRCULAR)


def can_manage(campaign, user) -> bool:
    return policy.manages(user, campaign)


def check_can_manage(campaign, actor):
    if not can_manage(campaign, actor):
        raise PermissionDenied("只有本辖区创建办可以起草和生成公文")


def next_issue_no(campaign, kind) -> int | None:
    """简报 第N期 and 通报 发文序号 run per campaign."""
    if kind not in NUMBERED_KINDS:
        return None
    last = Document.objects.filter(campaign=campaign, kind=kind).aggregate(m=Max("issue_no"))["m"]
    return (last or 0) + 1


def resolve_period(kind, period, issued_on) -> str:
    """The period a bulletin (the issue month) or a summary (the last complete half-year) covers by default."""
    if period:
        return period
    if kind == DocumentKind.BULLETIN:
        return f"{issued_on.year}-{issued_on.month:02d}"
    if kind == DocumentKind.SUMMARY:
        from shian.reports.documents.summary import default_period

        return default_period(issued_on)
    return ""


def _check_params(doc: Document):
    wanted = KIND_PARAMS[DocumentKind(doc.kind)]
    if "round" in wanted:
        if doc.round is None:
            raise ValidationError({"round": "调度通报须选择调度轮次"})
        if doc.round.campaign_id != doc.campaign_id:
            raise ValidationError({"round": "调度轮次不属于该创建项目"})
    if doc.period:
        from shian.reports.documents.sources import _period

        _period(doc.period)  # raises a Chinese ValidationError naming the accepted forms
    if "assessment" in wanted and doc.assessment_ref:
        from shian.reports.documents.sources import assessment_for

        if assessment_for(doc.campaign, doc.assessment_ref) is None:
            raise ValidationError({"assessment_ref": "评审不存在或不属于该创建项目"})


@transaction.atomic
def create_document(
    campaign,
    kind,
    *,
    actor,
    period="",
    round=None,
    assessment_ref=None,
    title="",
    issued_on=None,
    doc_number="",
    confirm_duplicate=False,
) -> Document:
    """A new document of `kind` for `campaign`; checks that the data it needs exists (it drafts it once).

    A second 简报 for a period that already has one is refused unless `confirm_duplicate`: the
    office is warned (offices number one 简报 a month, a second is usually a slip)."""
    check_can_manage(campaign, actor)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": f"未知的文种：{kind}"})
    doc = Document(
        campaign=campaign,
        kind=kind,
        period=period or "",
        round=round,
        assessment_ref=assessment_ref,
        title=title or "",
        issued_on=issued_on or timezone.localdate(),
        doc_number=doc_number or "",
        created_by=actor,
    )
    doc.period = resolve_period(kind, doc.period, doc.issued_on)
    _check_params(doc)
    if kind == DocumentKind.BULLETIN and not confirm_duplicate:
        same = same_period_documents(campaign, kind, doc.period)
        if same:
            issues = "、".join(f"第{d.issue_no}期" for d in same)
            raise ValidationError(
                {
                    "confirm_duplicate": f"期间 {doc.period} 已有简报（{issues}），同一月份通常只出一期；"
                    "如确需再出一期，请勾选“确认再出一期”后重新提交"
                }
            )
    doc.issue_no = next_issue_no(campaign, kind)
    d = build_draft(doc)  # refuses early when the data is not there (no assessment yet …)
    if not doc.title:
        doc.title = d.title[:200]
    doc.full_clean()
    doc.save()
    log_event(doc, "document_created", note=doc.get_kind_display())
    return doc


def check_not_final(doc: Document):
    if doc.is_final:
        raise ValidationError(
            {
                "status": f"该文件已于{timezone.localtime(doc.finalised_at):%Y-%m-%d %H:%M}定稿，不能再修改或生成"
            }
        )


@transaction.atomic
def save_narrative(
    doc: Document, texts: dict, *, actor, expected_version, title=None, issued_on=None
) -> Document:
    """Keep the words of the sections people changed (unknown sections are refused).

    A section submitted as it is shown now is left alone, and one set back to the drafted default
    is forgotten: its default keeps following the data instead of freezing today's figures.
    """
    check_can_manage(doc.campaign, actor)
    check_not_final(doc)
    defaults = {s.key: s.default for s in build_draft(doc).sections}
    unknown = set(texts) - set(defaults)
    if unknown:
        raise ValidationError({"narrative": f"未知的文字段落：{'、'.join(sorted(unknown))}"})
    narrative = dict(doc.narrative or {})
    for key, text in texts.items():
        if len(text or "") > 20000:
            raise ValidationError({"narrative": "单个段落不能超过20000字"})
        text = _normalise(text)
        if text == _normalise(narrative.get(key, defaults[key])):
            continue  # not edited
        if text == _normalise(defaults[key]):
            narrative.pop(key, None)
        else:
            narrative[key] = text
    doc.narrative = narrative
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "标题不能为空"})
        doc.title = title.strip()[:200]
    if issued_on is not None:
        doc.issued_on = issued_on
    save_versioned(doc, expected_version)
    return doc


def _normalise(text) -> str:
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").strip().split("\n"))


def same_period_documents(campaign, kind, period, exclude=None) -> list[Document]:
    """Other documents of the kind for the same period (a second 12月 简报 is usually a mistake)."""
    if not period:
        return []
    qs = Document.objects.filter(campaign=campaign, kind=kind, period=period).order_by("issue_no", "id")
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs)


def next_doc_number(doc: Document) -> str:
    """发文字号 of a document being finalised: the office's 机关代字, the year, the next sequence
    among the campaign's finalised documents of that year."""
    from shian.reports.documents import common

    year = (doc.issued_on or timezone.localdate()).year
    taken = (
        Document.objects.filter(campaign=doc.campaign, finalised_at__isnull=False, issued_on__year=year)
        .exclude(doc_number="")
        .count()
    )
    return g.format_doc_number(common.agency_code(doc.campaign), year, taken + 1)


NUMBERED_AT_FINAL = (DocumentKind.CIRCULAR,)


@transaction.atomic
def finalise_document(doc: Document, *, actor, expected_version, pdf=True) -> DocumentFile:
    """定稿: allocate the 文号 once (通报), generate the final version from the data as of the
    document's date, and freeze the document (no more edits or versions)."""
    check_can_manage(doc.campaign, actor)
    locked = Document.objects.select_for_update().get(pk=doc.pk)
    check_not_final(locked)
    if locked.version != expected_version:
        from shian.core.services import ConcurrentEditError

        raise ConcurrentEditError()
    if locked.kind in NUMBERED_AT_FINAL and not locked.doc_number:
        locked.doc_number = next_doc_number(locked)
    locked.finalised_at = timezone.now()
    locked.finalised_by = actor
    save_versioned(locked, locked.version)
    f = _generate(locked, actor=actor, pdf=pdf, final=True)
    log_event(
        locked,
        "document_finalised",
        note=f"第{f.number}版定稿" + (f"，{locked.doc_number}" if locked.doc_number else ""),
    )
    for field in ("doc_number", "finalised_at", "finalised_by_id", "version", "updated_at"):
        setattr(doc, field, getattr(locked, field))
    return f


def render(doc: Document):
    """(draft, .docx bytes) from the live data and the document's saved words."""
    d = build_draft(doc)
    return d, g.to_bytes(g.render(resolve(d, doc.narrative)))


def _jsonable(value):
    return json.loads(json.dumps(value, default=lambda o: str(o) if isinstance(o, Decimal) else repr(o)))


@transaction.atomic
def generate_document(doc: Document, *, actor, pdf=True) -> DocumentFile:
    """Render the document from the data as of its date and keep it as the next numbered version."""
    check_can_manage(doc.campaign, actor)
    check_not_final(doc)
    return _generate(doc, actor=actor, pdf=pdf)


def _generate(doc: Document, *, actor, pdf=True, final=False) -> DocumentFile:
    d, data = render(doc)
    pdf_bytes = docx_to_pdf(data) if pdf else None
    Document.objects.select_for_update().filter(pk=doc.pk).first()  # serialise version numbers
    number = (doc.files.aggregate(m=Max("number"))["m"] or 0) + 1
    title = doc.title or d.title
    f = DocumentFile(
        document=doc,
        number=number,
        title=title[:200],
        figures=_jsonable(d.figures),
        created_by=actor,
        is_final=final,
    )
    base = f"doc{doc.pk}-v{number}"
    f.docx.save(f"{base}.docx", ContentFile(data), save=False)
    if pdf_bytes:
        f.pdf.save(f"{base}.pdf", ContentFile(pdf_bytes), save=False)
    f.save()
    log_event(doc, "document_generated", note=f"第{number}版" + ("（定稿）" if final else ""))
    return f
