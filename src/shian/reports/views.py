"""Document pages: the list, a new document, the preview with its editable words, generated versions
and downloads (every one permission-checked through `Document.objects.restrict`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shian.core.exports import attachment_header
from shian.core.files import file_response
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectListView, get_object_for_user
from shian.reports import services
from shian.reports.documents import draft as build_draft
from shian.reports.filtersets import DocumentFilterSet
from shian.reports.forms import DocumentCreateForm, NarrativeForm
from shian.reports.models import Document, DocumentFile
from shian.reports.preview import render_html
from shian.reports.tables import DocumentTable

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


class DocumentListView(ObjectListView):
    model = Document
    filterset_class = DocumentFilterSet
    table_class = DocumentTable
    title = "公文报告"
    create_url_name = "reports:document_add"
    export_name = "公文报告"

    def base_queryset(self):
        return (
            Document.objects.select_related("campaign", "created_by")
            .annotate(n_files=Count("files"))
            .order_by("-updated_at", "-id")
        )

    def can_create(self):
        user = self.request.user
        return user.is_admin or (user.role == "office" and not user.is_read_only)


@login_required
def document_add(request):
    user = request.user
    if not (user.is_admin or user.role == "office"):
        raise PermissionDenied("只有创建办可以起草公文")
    form = DocumentCreateForm(
        request.POST or None,
        user=user,
        initial={
            "kind": request.GET.get("kind"),
            "round": request.GET.get("round"),
            "campaign": request.GET.get("campaign"),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = services.create_document(
                d["campaign"],
                d["kind"],
                actor=user,
                period=d["period"].strip(),
                round=d["round"],
                assessment_ref=d["assessment_ref"],
                title=d["title"],
                issued_on=d["issued_on"],
                confirm_duplicate=d["confirm_duplicate"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, f"已起草“{doc.title}”，请核对数据、修改文字后生成文件")
            return redirect(doc)
    return render(
        request,
        "core/object_edit.html",
        {"form": form, "title": "起草公文报告"},
        status=400 if form.errors else 200,
    )


@login_required
def document_detail(request, pk):
    doc = get_object_for_user(
        Document,
        request.user,
        pk,
        queryset=Document.objects.select_related(
            "campaign__region", "campaign__office", "campaign__framework", "round", "created_by"
        ),
    )
    can_edit = services.can_manage(doc.campaign, request.user)
    try:
        d = build_draft(doc)
        error = None
    except ValidationError as exc:
        d, error = None, _errors(exc)
    form = None
    status = 200
    if d is not None and can_edit and not doc.is_final:
        initial = {"edit_version": doc.version, "title": doc.title or d.title, "issued_on": doc.issued_on}
        for s in d.sections:
            initial[f"s_{s.key}"] = doc.narrative.get(s.key, s.default)
        form = NarrativeForm(request.POST or None, sections=d.sections, initial=initial, user=request.user)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.save_narrative(
                        doc,
                        form.texts(),
                        actor=request.user,
                        expected_version=form.cleaned_data["edit_version"],
                        title=form.cleaned_data["title"],
                        issued_on=form.cleaned_data["issued_on"],
                    )
                except ConcurrentEditError as exc:
                    form.add_error(None, str(exc))
                    status = 409
                except ValidationError as exc:
                    form.add_error(None, exc)
                    status = 400
                else:
                    messages.success(request, "文字已保存，预览已更新")
                    return redirect(doc)
            else:
                status = 400
    elif request.method == "POST":
        raise PermissionDenied("已定稿的文件不能修改" if doc.is_final else "只读账号不能修改公文")
    files = list(doc.files.select_related("created_by"))
    return render(
        request,
        "reports/document_detail.html",
        {
            "document": doc,
            "object": doc,
            "title": doc.title,
            "draft": d,
            "error": error,
            "form": form,
            "can_edit": can_edit,
            "files": files,
            "same_period": services.same_period_documents(doc.campaign, doc.kind, doc.period, exclude=doc.pk)
            if doc.kind == "bulletin"
            else [],
            "preview": render_html(d.blocks, doc.narrative) if d is not None else "",
        },
        status=status,
    )


@login_required
@require_POST
def document_finalise(request, pk):
    doc = get_object_for_user(Document, request.user, pk)
    try:
        version = int(request.POST.get("edit_version", ""))
    except ValueError:
        version = None
    try:
        f = services.finalise_document(
            doc, actor=request.user, expected_version=version, pdf=request.POST.get("pdf") == "1"
        )
    except ConcurrentEditError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request, f"已定稿（第{f.number}版）" + (f"，发文字号 {doc.doc_number}" if doc.doc_number else "")
        )
    return redirect(doc)


@login_required
@require_POST
def document_generate(request, pk):
    doc = get_object_for_user(Document, request.user, pk)
    try:
        f = services.generate_document(doc, actor=request.user, pdf=request.POST.get("pdf") == "1")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"已生成第{f.number}版")
    return redirect(doc)


@login_required
def document_render(request, pk, ext):
    """The document as it would be generated now (not kept), .docx or .pdf."""
    doc = get_object_for_user(Document, request.user, pk)
    try:
        d, data = services.render(doc)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(doc)
    title = doc.title or d.title
    if ext == "pdf":
        data = services.docx_to_pdf(data)
        if data is None:
            raise Http404("服务器未安装 LibreOffice，无法生成 PDF")
        content_type = "application/pdf"
    else:
        content_type = DOCX
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment_header(f"{title}（草稿）.{ext}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def file_download(request, pk, ext):
    f = get_object_or_404(DocumentFile.objects.restrict(request.user).select_related("document"), pk=pk)
    field = f.pdf if ext == "pdf" else f.docx
    if not field:
        raise Http404("该版本没有PDF文件")
    return file_response(field, f.filename(ext))
