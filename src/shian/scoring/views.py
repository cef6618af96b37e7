from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from shian.campaigns.models import Campaign
from shian.campaigns.services import current_campaign
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.framework.models import ScoringItem
from shian.scoring import services
from shian.scoring.choices import AssessmentKind
from shian.scoring.filtersets import AssessmentFilterSet
from shian.scoring.forms import (
    VETO_CHOICES,
    AssessmentForm,
    ConfirmForm,
    ExpertScoreForm,
    InterviewForm,
    QuestionFormSet,
    ReviewGroupForm,
    ScoreForm,
    SurveyForm,
    evidence_materials,
)
from shian.scoring.models import Assessment, ExpertScore, Interview, ItemScore, ReviewGroup
from shian.scoring.tables import AssessmentTable


def _check_editable(assessment):
    if assessment.is_locked:
        raise PermissionDenied(f"“{assessment}”已签署锁定，不能再修改")


def _error_text(exc) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


class AssessmentListView(ObjectListView):
    model = Assessment
    filterset_class = AssessmentFilterSet
    table_class = AssessmentTable
    create_url_name = "scoring:assessment_add"
    extra_actions = [("差距分析", "readiness:gap"), ("对比", "scoring:compare")]

    def base_queryset(self):
        return (
            Assessment.objects.select_related("campaign")
            .annotate(
                scored=Count("scores", filter=Q(scores__points__isnull=False)), total=Sum("scores__points")
            )
            .order_by("-held_on", "-id")
        )

    def can_create(self):
        return self.request.user.is_office

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.request.user.role == "expert":
            ctx["extra_actions"] = []  # experts see their groups' items only: no totals, no gap analysis
        return ctx

    def get_table_kwargs(self):
        if self.request.user.role == "expert":
            return {"exclude": ("scored", "total")}
        return {}


class AssessmentEditView(ObjectEditView):
    model = Assessment
    form_class = AssessmentForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is not None:
            services.check_can_manage(obj.campaign, self.request.user)
            _check_editable(obj)
        elif not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以新建评审")

    def get_initial(self):
        campaign = current_campaign(
            self.request.user, queryset=Campaign.objects.restrict(self.request.user, "change")
        )
        return {"campaign": campaign.pk if campaign else None, "kind": AssessmentKind.SELF}

    def save(self, form):
        if form.instance.pk:
            return form.save()
        data = form.cleaned_data
        assessment = services.create_assessment(
            data["campaign"],
            actor=self.request.user,
            kind=data["kind"],
            title=data["title"],
            held_on=data["held_on"],
            reviewer=data["reviewer"],
            note=data["note"],
        )
        for key in ("satisfaction", "awareness", "support"):
            setattr(assessment, key, data[key])
        assessment.save()
        return assessment


def _sections(spec, result, scores, visible_items):
    """Item rows grouped by category for the assessment page."""
    by_cat = {c.category.id: c for c in result.categories}
    sections = []
    for cat in spec.categories:
        rows = [
            {"item": visible_items[i.id], "spec": i, "score": scores.get(i.id)}
            for i in spec.items
            if i.category_id == cat.id and i.id in visible_items
        ]
        if rows:
            sections.append({"category": cat, "total": by_cat[cat.id], "rows": rows})
    return sections


class AssessmentDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        assessment = get_object_for_user(
            Assessment,
            request.user,
            pk,
            queryset=Assessment.objects.select_related("campaign__framework", "locked_by"),
        )
        user = request.user
        spec = services.engine.framework_spec(assessment.campaign.framework)
        result = services.assessment_result(assessment, spec)
        score_qs = (
            ItemScore.objects.restrict(user)
            .filter(assessment=assessment)
            .prefetch_related("deductions__problem")
        )
        scores = {s.item_id: s for s in score_qs}
        item_qs = ScoringItem.objects.filter(pk__in=[i.id for i in spec.items]).select_related("indicator")
        if user.role == "expert":
            item_qs = item_qs.filter(
                review_groups__assessment=assessment, review_groups__members=user
            ).distinct()
        visible = {i.pk: i for i in item_qs}
        groups = (
            ReviewGroup.objects.restrict(user)
            .filter(assessment=assessment)
            .select_related("leader")
            .prefetch_related("members")
            .annotate(item_count=Count("items", distinct=True))
        )
        can_manage = services.can_manage(assessment.campaign, user)
        pending = sum(1 for s in scores.values() for d in s.deductions.all() if not hasattr(d, "problem"))
        return render(
            request,
            "scoring/assessment_detail.html",
            {
                "object": assessment,
                "title": str(assessment),
                "result": result,
                "spec": spec,
                "sections": _sections(spec, result, scores, visible),
                "groups": groups,
                "interviews": Interview.objects.restrict(user)
                .filter(assessment=assessment)
                .select_related("unit"),
                "vetoes": assessment.vetoes.select_related("gate"),
                "can_manage": can_manage,
                "can_edit": can_manage and not assessment.is_locked,
                "pending_deductions": pending,
                "show_totals": user.role != "expert",
                "can_record_interview": not assessment.is_locked
                and services.can_record_interview(assessment, user),
            },
        )


class ScoreEditView(LoginRequiredMixin, View):
    """Score one item of an assessment (office), with deductions from the rules or written."""

    def _load(self, request, pk, item_pk):
        assessment = get_object_for_user(
            Assessment, request.user, pk, "change", queryset=Assessment.objects.select_related("campaign")
        )
        item = get_object_or_404(
            ScoringItem.objects.select_related("indicator__category__framework"),
            pk=item_pk,
            indicator__category__framework=assessment.campaign.framework,
        )
        services.check_can_manage(assessment.campaign, request.user)
        _check_editable(assessment)
        return assessment, item, ItemScore.objects.filter(assessment=assessment, item=item).first()

    def _render(self, request, assessment, item, form, score, status=200):
        return render(
            request,
            "scoring/score_edit.html",
            {
                "assessment": assessment,
                "item": item,
                "form": form,
                "score": score,
                "title": f"评分：{item.code} {item.content[:30]}",
            },
            status=status,
        )

    def get(self, request, pk, item_pk):
        assessment, item, score = self._load(request, pk, item_pk)
        initial = {}
        if score:
            deds = list(score.deductions.all())
            initial = {
                "points": score.points,
                "rubric_level": score.rubric_level,
                "methods": score.methods,
                "note": score.note,
                "rules": [d.rule_id for d in deds if d.rule_id],
                "free_deductions": "\n".join(f"{d.description}|{d.points:g}" for d in deds if not d.rule_id),
                "evidence_ids": ",".join(str(i) for i in score.evidence_ids),
                "edit_version": score.version,
            }
        else:
            initial = {"methods": item.methods}
        if score and initial.get("evidence_ids"):
            initial["evidence_ids"] = [str(i) for i in score.evidence_ids]
        form = ScoreForm(initial=initial, item=item, campaign=assessment.campaign, user=request.user)
        if not isinstance(form.fields["evidence_ids"], forms.MultipleChoiceField) and score:
            form.initial["evidence_ids"] = ",".join(str(i) for i in score.evidence_ids)
        return self._render(request, assessment, item, form, score)

    def post(self, request, pk, item_pk):
        assessment, item, score = self._load(request, pk, item_pk)
        form = ScoreForm(request.POST, item=item, campaign=assessment.campaign, user=request.user)
        if not form.is_valid():
            return self._render(request, assessment, item, form, score, 400)
        d = form.cleaned_data
        try:
            services.score_item(
                assessment,
                item,
                actor=request.user,
                points=d["points"],
                rules=d["rules"],
                free_deductions=d["free_deductions"],
                methods=d["methods"],
                rubric_level=d.get("rubric_level") or "",
                note=d["note"],
                evidence_ids=d["evidence_ids"],
                expected_version=d.get("edit_version"),
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
            return self._render(request, assessment, item, form, score, 409)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
            return self._render(request, assessment, item, form, score, 400)
        messages.success(request, f"已保存 {item.code} 的评分")
        return redirect(f"{assessment.get_absolute_url()}#item-{item.pk}")


class GatesView(LoginRequiredMixin, View):
    """否决项 yes/no with evidence, and the survey results compared with the survey gates."""

    def _load(self, request, pk):
        assessment = get_object_for_user(Assessment, request.user, pk, "change")
        services.check_can_manage(assessment.campaign, request.user)
        _check_editable(assessment)
        return assessment

    def _render(self, request, assessment, form, errors=(), status=200):
        answers = list(assessment.vetoes.select_related("gate"))
        for a in answers:
            a.choice = "" if a.occurred is None else ("yes" if a.occurred else "no")
        return render(
            request,
            "scoring/gates.html",
            {
                "assessment": assessment,
                "form": form,
                "answers": answers,
                "choices": VETO_CHOICES,
                "errors": errors,
                "title": f"否决项与测评：{assessment}",
            },
            status=status,
        )

    def get(self, request, pk):
        assessment = self._load(request, pk)
        return self._render(request, assessment, SurveyForm(instance=assessment, user=request.user))

    def post(self, request, pk):
        assessment = self._load(request, pk)
        form = SurveyForm(request.POST, instance=assessment, user=request.user)
        errors = []
        if form.is_valid():
            try:
                from django.db import transaction

                with transaction.atomic():
                    services.update_survey(
                        assessment,
                        actor=request.user,
                        expected_version=form.cleaned_data.get("edit_version"),
                        **{k: form.cleaned_data[k] for k in ("satisfaction", "awareness", "support")},
                    )
                    for answer in assessment.vetoes.select_related("gate"):
                        value = request.POST.get(f"veto-{answer.pk}", "")
                        occurred = {"yes": True, "no": False}.get(value)
                        services.answer_veto(
                            answer,
                            actor=request.user,
                            occurred=occurred,
                            evidence=request.POST.get(f"evidence-{answer.pk}", ""),
                            override_reason=request.POST.get(f"override-{answer.pk}", ""),
                            expected_version=request.POST.get(f"version-{answer.pk}"),
                        )
            except (ValidationError, ConcurrentEditError) as exc:
                errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            else:
                messages.success(request, "已保存否决项与测评结果")
                return redirect(assessment.get_absolute_url())
        return self._render(request, assessment, form, errors, 400)


class RefreshView(LoginRequiredMixin, View):
    """从登记更新: the 否决项 from the incident register, the 示范引领 items from the reviewed projects."""

    def post(self, request, pk):
        assessment = get_object_for_user(Assessment, request.user, pk, "change")
        try:
            vetoes = services.derive_vetoes(assessment, actor=request.user)
            bonus = services.apply_bonus(assessment, actor=request.user)
            messages.success(request, f"已从登记更新：否决项{vetoes}项、示范引领评分{bonus}项有变化")
        except (ValidationError, ConcurrentEditError) as exc:
            messages.error(request, _error_text(exc))
        return redirect(assessment.get_absolute_url())


class LockView(LoginRequiredMixin, View):
    def post(self, request, pk):
        assessment = get_object_for_user(Assessment, request.user, pk, "change")
        try:
            services.lock_assessment(
                assessment, actor=request.user, expected_version=request.POST.get("version")
            )
            messages.success(request, "已签署锁定，评分结果不可再修改")
        except (ValidationError, ConcurrentEditError) as exc:
            messages.error(request, _error_text(exc))
        return redirect(assessment.get_absolute_url())


class CompareView(LoginRequiredMixin, View):
    def get(self, request):
        visible = Assessment.objects.restrict(request.user).select_related("campaign__framework")
        ids = [int(x) for x in request.GET.getlist("ids") if x.isdigit()]
        chosen = [a for a in visible.filter(pk__in=ids)] if ids else []
        chosen.sort(key=lambda a: ids.index(a.pk))
        data, error = None, ""
        if len(chosen) >= 2:
            try:
                data = services.compare_assessments(chosen)
            except ValidationError as exc:
                error = _error_text(exc)
        return render(
            request,
            "scoring/compare.html",
            {"title": "评审对比", "assessments": visible[:100], "ids": ids, "data": data, "error": error},
        )


# ------------------------------------------------------------------------------ review groups


class GroupEditView(LoginRequiredMixin, View):
    def _load(self, request, assessment_pk=None, pk=None):
        group = None
        if pk is not None:
            group = get_object_for_user(ReviewGroup, request.user, pk, "change")
            assessment = group.assessment
        else:
            assessment = get_object_for_user(Assessment, request.user, assessment_pk, "change")
        services.check_can_manage(assessment.campaign, request.user)
        _check_editable(assessment)
        return assessment, group

    def _render(self, request, form, assessment, group, status=200):
        return render(
            request,
            "core/object_edit.html",
            {
                "form": form,
                "object": group,
                "title": f"{'编辑' if group else '新建'}评审组（{assessment}）",
                "cancel_url": assessment.get_absolute_url(),
            },
            status=status,
        )

    def get(self, request, assessment_pk=None, pk=None):
        assessment, group = self._load(request, assessment_pk, pk)
        return self._render(
            request,
            ReviewGroupForm(instance=group, assessment=assessment, user=request.user),
            assessment,
            group,
        )

    def post(self, request, assessment_pk=None, pk=None):
        assessment, group = self._load(request, assessment_pk, pk)
        form = ReviewGroupForm(request.POST, instance=group, assessment=assessment, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                group = services.save_review_group(
                    assessment,
                    actor=request.user,
                    name=d["name"],
                    leader=d["leader"],
                    members=d["members"],
                    items=d["items"],
                    note=d["note"],
                    group=group,
                    expected_version=d.get("edit_version"),
                )
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                return self._render(request, form, assessment, group, 409)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
                return self._render(request, form, assessment, group, 400)
            messages.success(request, "已保存评审组")
            return redirect(group.get_absolute_url())
        return self._render(request, form, assessment, group, 400)


class GroupDetailView(LoginRequiredMixin, View):
    """The group's items; each expert's score, the spread, the leader's confirmation."""

    def get(self, request, pk):
        group = get_object_for_user(
            ReviewGroup,
            request.user,
            pk,
            queryset=ReviewGroup.objects.select_related("assessment__campaign", "leader"),
        )
        items = list(
            group.items.select_related("indicator").order_by(
                "indicator__category__seq", "indicator__seq", "seq"
            )
        )
        by_item = {}
        for s in ExpertScore.objects.filter(group=group).select_related("expert"):
            by_item.setdefault(s.item_id, []).append(s)
        confirmed = dict(
            ItemScore.objects.filter(assessment=group.assessment, item__in=items).values_list(
                "item_id", "points"
            )
        )
        rows = []
        for item in items:
            scores = by_item.get(item.pk, [])
            pts = [s.points for s in scores]
            rows.append(
                {
                    "item": item,
                    "scores": scores,
                    "mine": next((s for s in scores if s.expert_id == request.user.pk), None),
                    "spread": (max(pts) - min(pts)) if pts else None,
                    "mean": (sum(pts) / len(pts)) if pts else None,
                    "confirmed": confirmed.get(item.pk),
                }
            )
        is_member = group.members.filter(pk=request.user.pk).exists()
        return render(
            request,
            "scoring/group_detail.html",
            {
                "group": group,
                "title": f"评审组：{group}",
                "rows": rows,
                "is_member": is_member,
                "is_leader": group.leader_id == request.user.pk or request.user.is_admin,
                "can_manage": services.can_manage(group.assessment.campaign, request.user),
                "locked": group.assessment.is_locked,
            },
        )


class ExpertScoreView(LoginRequiredMixin, View):
    """An expert scores an item of their own group; the leader confirms the group's score."""

    def _load(self, request, pk, item_pk):
        group = get_object_for_user(
            ReviewGroup, request.user, pk, queryset=ReviewGroup.objects.select_related("assessment__campaign")
        )
        item = get_object_or_404(group.items.all(), pk=item_pk)  # another group's item: 404
        return group, item

    def _render(self, request, group, item, form, confirm, status=200):
        campaign = group.assessment.campaign
        return render(
            request,
            "scoring/expert_score.html",
            {
                "group": group,
                "item": item,
                "form": form,
                "confirm_form": confirm,
                "spread": services.spread(group, item),
                "campaign": campaign,
                "materials": evidence_materials(campaign, item, request.user),
                "is_leader": group.leader_id == request.user.pk or request.user.is_admin,
                "is_member": group.members.filter(pk=request.user.pk).exists(),
                "item_score": group.assessment.scores.filter(item=item, scored_at__isnull=False).first(),
                "title": f"{group}：{item.code}",
            },
            status=status,
        )

    def get(self, request, pk, item_pk):
        group, item = self._load(request, pk, item_pk)
        mine = ExpertScore.objects.filter(group=group, item=item, expert=request.user).first()
        form = ExpertScoreForm(
            initial={"points": mine.points, "deduction_note": mine.deduction_note, "methods": mine.methods}
            if mine
            else {"methods": item.methods},
            user=request.user,
        )
        s = services.spread(group, item)
        agreed = {"points": s["min"]} if s["scores"] and s["spread"] == 0 else None  # unanimous: prefill it
        return self._render(request, group, item, form, ConfirmForm(user=request.user, initial=agreed))

    def post(self, request, pk, item_pk):
        group, item = self._load(request, pk, item_pk)
        confirming = request.POST.get("action") == "confirm"
        form = (ConfirmForm if confirming else ExpertScoreForm)(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if confirming:
                    services.confirm_group_score(
                        group,
                        item,
                        actor=request.user,
                        points=d["points"],
                        deduction_text=d["deduction_text"],
                        note=d["note"],
                        expected_version=request.POST.get("version") or None,
                    )
                else:
                    services.submit_expert_score(
                        group,
                        item,
                        actor=request.user,
                        points=d["points"],
                        deduction_note=d["deduction_note"],
                        methods=d["methods"],
                    )
            except (ValidationError, ConcurrentEditError) as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, "已确认本组得分" if confirming else "已保存评分")
                return redirect(group.get_absolute_url())
        other = ExpertScoreForm(user=request.user) if confirming else ConfirmForm(user=request.user)
        return self._render(
            request, group, item, other if confirming else form, form if confirming else other, 400
        )


# ------------------------------------------------------------------------------ interviews


class InterviewEditView(LoginRequiredMixin, View):
    def _load(self, request, assessment_pk=None, pk=None):
        if pk is not None:
            interview = get_object_for_user(Interview, request.user, pk)
            return interview.assessment, interview
        return get_object_for_user(Assessment, request.user, assessment_pk), None

    def _render(self, request, form, formset, assessment, interview, status=200):
        editable = not assessment.is_locked and services.can_record_interview(
            assessment, request.user, interview
        )
        if not editable:  # leaders, units and other groups read the record; nothing to submit
            for f in [form, *formset.forms]:
                for field in f.fields.values():
                    field.disabled = True
        return render(
            request,
            "scoring/interview_edit.html",
            {
                "form": form,
                "formset": formset,
                "assessment": assessment,
                "object": interview,
                "editable": editable,
                "title": (
                    f"{'编辑' if interview else '新建'}领导访谈记录"
                    if editable
                    else f"领导访谈记录：{interview.interviewee if interview else ''}"
                ),
            },
            status=status,
        )

    def get(self, request, assessment_pk=None, pk=None):
        assessment, interview = self._load(request, assessment_pk, pk)
        if interview is None and not services.can_record_interview(assessment, request.user):
            raise PermissionDenied("只有创建办或本评审的评审专家可以记录访谈")
        form = InterviewForm(instance=interview, assessment=assessment, user=request.user)
        return self._render(
            request,
            form,
            QuestionFormSet(instance=interview or Interview(), prefix="q"),
            assessment,
            interview,
        )

    def post(self, request, assessment_pk=None, pk=None):
        assessment, interview = self._load(request, assessment_pk, pk)
        if not services.can_record_interview(assessment, request.user, interview):
            raise PermissionDenied("只有创建办或本组评审专家可以记录访谈")
        _check_editable(assessment)
        form = InterviewForm(request.POST, instance=interview, assessment=assessment, user=request.user)
        formset = QuestionFormSet(request.POST, instance=interview or Interview(), prefix="q")
        if form.is_valid() and formset.is_valid():
            questions = [
                (f.cleaned_data["question"], f.cleaned_data.get("answer"), f.cleaned_data.get("points"))
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("question")
            ]
            fields = {k: v for k, v in form.cleaned_data.items() if k != "edit_version"}
            try:
                interview = services.save_interview(
                    assessment,
                    actor=request.user,
                    interview=interview,
                    questions=questions,
                    expected_version=form.cleaned_data.get("edit_version"),
                    **fields,
                )
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                return self._render(request, form, formset, assessment, interview, 409)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
                return self._render(request, form, formset, assessment, interview, 400)
            messages.success(request, "已保存访谈记录")
            return redirect(assessment.get_absolute_url() + "#interviews")
        return self._render(request, form, formset, assessment, interview, 400)
