"""The questionnaire editor: a survey's questions (and a quiz's 能问能答 bank) added, edited, removed and
reordered on a page, inline with HTMX, and a preview of the public page.

Thin views over the question services (`add_question`, `edit_question`, `remove_question`,
`reorder_questions`): the rules, the versioning and the audit are theirs. Every action answers the whole
editor (`_editor.html`) to an HTMX request and redirects a plain form post back to the page, so the page
also works without JavaScript. Whoever may see the survey sees the editor read-only; only its managers
(`services.can_manage`) get the buttons, and the services refuse anyone else.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from shian.core.services import ConcurrentEditError, parse_id
from shian.core.views import get_object_for_user, is_htmx
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region
from shian.surveys import services
from shian.surveys.choices import Access, AgeGroup, QuestionKind
from shian.surveys.figures import form_history
from shian.surveys.forms import QuestionForm
from shian.surveys.models import Question, Survey


def _survey(request, pk) -> Survey:
    return get_object_for_user(
        Survey, request.user, pk, queryset=Survey.objects.select_related("campaign__region", "unit")
    )


def describe_condition(q, by_seq) -> str:
    """“第1题选“是”时显示” — a condition in words, from the current questions by number."""
    cond = q.condition or {}
    target = by_seq.get(cond.get("seq"))
    if target is None:
        return ""
    if target.kind == QuestionKind.RATING:
        named = [f"{v}分" for v in cond.get("in") or []]
    else:
        named = [
            f"“{target.options[v]['label']}”" if 0 <= v < len(target.options) else f"第{v + 1}项"
            for v in cond.get("in") or []
        ]
    return f"第{target.seq}题{'评' if target.kind == QuestionKind.RATING else '选'}{'或'.join(named)}时显示"


def editor_context(survey, user, *, form=None, editing=None, adding=False, notice="", error=""):
    """Everything the editor shows, in a fixed number of queries: the survey's question rows (all
    versions, for the history) and one count of answers per version."""
    rows = list(Question.objects.filter(survey=survey))
    current = sorted((q for q in rows if q.until_version is None), key=lambda q: q.seq)
    by_seq = {q.seq: q for q in current}
    for q in current:
        q.condition_text = describe_condition(q, by_seq)
    history = form_history(survey, rows)
    can_manage = services.can_manage(survey, user)
    if can_manage and form is None:
        if editing is not None:
            form = QuestionForm(
                survey=survey, earlier=[q for q in current if q.seq < editing.seq], question=editing
            )
        elif adding:
            form = QuestionForm(survey=survey, earlier=current)
    return {
        "survey": survey,
        "object": survey,
        "title": f"编辑题目：{survey.title}",
        "questions": current,
        "order": ",".join(str(q.pk) for q in current),
        "history": history,
        "answered": history[0]["answers"] if history else 0,
        "can_manage": can_manage,
        "form": form,
        "editing": editing,
        "adding": form is not None and editing is None,
        "blocks": sorted({q.block for q in current if q.block}),
        "kinds": QuestionKind.choices,
        "notice": notice,
        "error": error,
    }


def _page(request, survey, status=200, **kw):
    template = "surveys/_editor.html" if is_htmx(request) else "surveys/question_editor.html"
    # An HTMX answer is swapped in even when it carries errors (htmx leaves 4xx unswapped).
    return render(
        request,
        template,
        editor_context(survey, request.user, **kw),
        status=200 if is_htmx(request) else status,
    )


def _done(request, survey, notice, before=None):
    """The change went through; says so, and whether it started a new form version."""
    if before is not None:
        survey.refresh_from_db(fields=["form_version"])
        if survey.form_version != before:
            notice += f"；原版本已有答卷，问卷升为第{survey.form_version}版，已收答卷保留原版本"
    if is_htmx(request):
        return _page(request, survey, notice=notice)
    messages.success(request, notice)
    return redirect("surveys:question_editor", pk=survey.pk)


def _refused(request, survey, exc):
    text = str(exc) if isinstance(exc, ConcurrentEditError) else "；".join(exc.messages)
    if is_htmx(request):
        return _page(request, survey, error=text)
    messages.error(request, text)
    return redirect("surveys:question_editor", pk=survey.pk)


def _current_question(survey, qid) -> Question | None:
    return survey.questions.current().filter(pk=parse_id(qid) or 0).first()


def _check(survey, user):
    if not services.can_manage(survey, user):
        raise PermissionDenied("您没有管理该问卷的权限")


class QuestionEditorView(LoginRequiredMixin, View):
    """The editor page; `?edit=<id>` opens a question's form, `?add=1` the new question's (links that
    work without JavaScript; HTMX fetches the same forms into place)."""

    def get(self, request, pk):
        survey = _survey(request, pk)
        editing = None
        if (qid := parse_id(request.GET.get("edit"))) is not None:
            editing = _current_question(survey, qid)
        return _page(request, survey, editing=editing, adding=bool(request.GET.get("add")))


class QuestionAddView(LoginRequiredMixin, View):
    def post(self, request, pk):
        survey = _survey(request, pk)
        _check(survey, request.user)
        current = list(survey.questions.current())
        form = QuestionForm(request.POST, survey=survey, earlier=current)
        if form.is_valid():
            before = survey.form_version
            try:
                question = services.add_question(survey, actor=request.user, **form.values())
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                return _done(request, survey, f"已新增第{question.seq}题", before)
        return _page(request, survey, status=400, form=form)


class QuestionEditView(LoginRequiredMixin, View):
    def post(self, request, pk, qid):
        survey = _survey(request, pk)
        _check(survey, request.user)
        question = _current_question(survey, qid)
        if question is None:
            return _refused(request, survey, ConcurrentEditError())
        current = [q for q in survey.questions.current() if q.seq < question.seq]
        form = QuestionForm(request.POST, survey=survey, earlier=current, question=question)
        if form.is_valid():
            before = survey.form_version
            try:
                services.edit_question(
                    question,
                    actor=request.user,
                    expected_version=request.POST.get("version", ""),
                    **form.values(),
                )
            except ConcurrentEditError as exc:
                return _refused(request, survey, exc)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                return _done(request, survey, f"已保存第{question.seq}题", before)
        return _page(request, survey, status=400, form=form, editing=question)


class QuestionRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk, qid):
        survey = _survey(request, pk)
        _check(survey, request.user)
        question = _current_question(survey, qid)
        if question is None:
            return _refused(request, survey, ConcurrentEditError())
        before = survey.form_version
        try:
            services.remove_question(
                question, actor=request.user, expected_version=request.POST.get("version", "")
            )
        except (ValidationError, ConcurrentEditError) as exc:
            return _refused(request, survey, exc)
        return _done(request, survey, f"已删除第{question.seq}题，后面的题目依次前移", before)


class QuestionMoveView(LoginRequiredMixin, View):
    """Moves a question one place up or down; `order` is the order the page showed (a stale page is
    refused)."""

    def post(self, request, pk, qid):
        survey = _survey(request, pk)
        _check(survey, request.user)
        seen = [parse_id(x) for x in request.POST.get("order", "").split(",")[:500]]
        if qid not in seen or None in seen:
            return _refused(request, survey, ConcurrentEditError())
        order = list(seen)
        i = order.index(qid)
        j = i - 1 if request.POST.get("direction") == "up" else i + 1
        if not 0 <= j < len(order):
            return _refused(request, survey, ValidationError("已在最前或最后，不能再移动"))
        order[i], order[j] = order[j], order[i]
        before = survey.form_version
        try:
            services.reorder_questions(survey, order, actor=request.user, expected_order=seen)
        except (ValidationError, ConcurrentEditError) as exc:
            return _refused(request, survey, exc)
        return _done(request, survey, f"已将第{i + 1}题移到第{j + 1}题", before)


class QuestionPreviewView(LoginRequiredMixin, View):
    """The public page as a respondent sees it (skip logic included), without a link and not submittable."""

    def get(self, request, pk):
        survey = _survey(request, pk)
        townships = []
        if not survey.is_quiz:
            townships = [
                (t, False)
                for t in Region.objects.filter(
                    path__startswith=survey.campaign.region.path, level=RegionLevel.TOWNSHIP
                ).order_by("code")
            ]
        return render(
            request,
            "surveys/answer.html",
            {
                "title": survey.title,
                "survey": survey,
                "link": None,
                "questions": survey.questions.current(),
                "townships": townships,
                "needs_code": survey.access == Access.CODES,
                "age_groups": AgeGroup.choices if not survey.is_quiz else [],
                "closed": False,
                "preview": True,
                "back": reverse("surveys:question_editor", args=[survey.pk]),
            },
        )
