import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from shian.core.audit import log_event
from shian.core.exports import xlsx_response
from shian.core.files import file_response
from shian.core.policy import can
from shian.core.views import ObjectListView, get_object_for_user
from shian.registry.models import Business
from shian.stewardship import docs, figures, services
from shian.stewardship.choices import DutyKind, PointEvent
from shian.stewardship.filtersets import (
    BindingFilterSet,
    CadreFilterSet,
    UnboundBusinessFilterSet,
    VisitFilterSet,
)
from shian.stewardship.http import document_response, quarter_of, request_year, user_region
from shian.stewardship.models import (
    Binding,
    Cadre,
    Commitment,
    DutyRecord,
    PointRule,
    StarRule,
    StewardVisit,
)
from shian.stewardship.tables import BindingTable, CadreTable, UnboundBusinessTable, VisitTable


class CadreListView(ObjectListView):
    model = Cadre
    filterset_class = CadreFilterSet
    table_class = CadreTable
    title = "包保干部"
    export_name = "包保干部"
    extra_actions = [
        ("包保关系", "stewardship:binding_list"),
        ("未包保主体", "stewardship:unbound"),
        ("督导记录", "stewardship:visit_list"),
        ("落实情况", "stewardship:coverage"),
        ("规则检查", "stewardship:checks"),
        ("季度汇总", "stewardship:summary"),
        ("积分星级", "stewardship:points"),
        ("日管控周排查月调度", "stewardship:duty"),
        ("导入干部", "stewardship:cadre_import"),
    ]

    def base_queryset(self):
        return Cadre.objects.select_related("region")


class BindingListView(ObjectListView):
    model = Binding
    filterset_class = BindingFilterSet
    table_class = BindingTable
    title = "包保关系"

    def base_queryset(self):
        return Binding.objects.filter(is_active=True).select_related("cadre", "business__region")


class UnboundListView(ObjectListView):
    model = Business
    filterset_class = UnboundBusinessFilterSet
    table_class = UnboundBusinessTable
    title = "未落实包保干部的主体"

    def base_queryset(self):
        return Business.objects.operating().exclude(bindings__is_active=True).select_related("region")


class CadreDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        cadre = cadre_for(request, pk)
        bindings = cadre.bindings.filter(is_active=True).select_related("business__region")
        rule_map = services.rules()
        rows = [(b, services.binding_problem(cadre, b.business, rule_map)) for b in bindings]
        ctx = {
            "object": cadre,
            "title": cadre.name,
            "rows": rows,
            "rule": rule_map.get(cadre.level),
            "can_edit": not request.user.is_read_only and can(request.user, "change", cadre),
            "visits": cadre.visits.select_related("business")[:20],
            "year": timezone.localdate().year,
            "commitment": cadre.commitments.filter(year=timezone.localdate().year).first(),
        }
        return render(request, "stewardship/cadre_detail.html", ctx)


class SuggestView(LoginRequiredMixin, View):
    def post(self, request):
        n = services.apply_suggestions(
            Business.objects.restrict(request.user, "view").operating(),
            Cadre.objects.restrict(request.user, "change"),
            actor=request.user,
        )
        messages.success(request, f"已按层级对应规则建议并建立 {n} 条包保关系")
        return redirect("stewardship:binding_list")


class VisitListView(ObjectListView):
    model = StewardVisit
    filterset_class = VisitFilterSet
    table_class = VisitTable
    title = "包保督导记录"
    export_name = "包保督导记录"

    def base_queryset(self):
        return StewardVisit.objects.select_related("cadre", "business__region").annotate(
            n_findings=Count("findings")
        )


class CadreLinkView(LoginRequiredMixin, View):
    """The signed phone link (and the message text) of a cadre without a login."""

    def post(self, request, pk):
        cadre = get_object_for_user(Cadre, request.user, pk, action="change")
        if request.user.is_read_only:
            raise PermissionDenied
        url = request.build_absolute_uri(
            reverse("stewardship_public:round", args=[services.cadre_link_token(cadre)])
        )
        log_event(cadre, "cadre_link_issued", note=f"生成督导链接（{services.LINK_DAYS}天有效）")
        ctx = {
            "object": cadre,
            "title": f"{cadre.name}的督导链接",
            "url": url,
            "message": services.link_message(cadre, url),
        }
        return render(request, "stewardship/cadre_link.html", ctx)


def cadre_for(request, pk, action="view") -> Cadre:
    """The cadre if the user is that cadre or may `action` them; 404 otherwise."""
    cadre = Cadre.objects.filter(pk=pk, user=request.user).select_related("region").first()
    return cadre or get_object_for_user(
        Cadre, request.user, pk, action=action, queryset=Cadre.objects.select_related("region")
    )


class CommitmentDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        cadre = cadre_for(request, pk)
        year = request_year(request)
        return document_response(
            request, docs.commitment_docx(cadre, year), f"{cadre.name}{year}年三张清单一承诺书"
        )


class CommitmentUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        cadre = cadre_for(request, pk, "change")
        upload = request.FILES.get("signed_scan")
        if upload is None:
            messages.error(request, "请选择签字后的扫描件")
        else:
            try:
                services.upload_signed(cadre, request_year(request), upload, actor=request.user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "已上传签字扫描件")
        return redirect(cadre.get_absolute_url())


class CommitmentScanView(LoginRequiredMixin, View):
    def get(self, request, pk):
        commitment = Commitment.objects.filter(
            pk=pk, cadre__user=request.user
        ).first() or get_object_for_user(Commitment, request.user, pk)
        if not commitment.signed_scan:
            raise Http404
        return file_response(
            commitment.signed_scan, commitment.signed_scan.name.rsplit("/", 1)[-1], inline=True
        )


class CoverageView(LoginRequiredMixin, View):
    """Signed 三张清单一承诺书 and visits done vs required, per township."""

    def get(self, request):
        region = user_region(request.user)
        if region is None:
            raise Http404
        year = request_year(request)
        as_of = min(timezone.localdate(), datetime.date(year, 12, 31))
        ctx = {
            "title": "包保落实情况",
            "region": region,
            "year": year,
            "commitments": figures.commitment_coverage(region, year),
            "visits": figures.visit_compliance(region, as_of),
            "as_of": as_of,
        }
        return render(request, "stewardship/coverage.html", ctx)


class CadreImportView(LoginRequiredMixin, View):
    """Upload an xlsx/xls/csv of cadres: all rows right or nothing imported, errors by row and column."""

    template = "stewardship/cadre_import.html"

    def get(self, request):
        return render(request, self.template, {"title": "导入包保干部"})

    def post(self, request):
        from shian.core.uploads import check_upload
        from shian.stewardship.importer import import_cadres

        upload = request.FILES.get("file")
        ctx = {"title": "导入包保干部"}
        try:
            if upload is None:
                raise ValidationError("请选择要导入的文件")
            name = check_upload(upload, "import")
            result = import_cadres(upload, actor=request.user, filename=name)
        except ValidationError as exc:
            ctx["errors"] = exc.messages
            return render(request, self.template, ctx, status=400)
        except PermissionDenied as exc:
            ctx["errors"] = [str(exc)]
            return render(request, self.template, ctx, status=403)
        ctx["result"] = result
        return render(request, self.template, ctx, status=200 if result.ok else 400)


class ChecksView(LoginRequiredMixin, View):
    """The 层级对应 checks: cadres over their load and bindings that break the rule (in the user's scope)."""

    def get(self, request):
        rule_map = services.rules()
        over = services.cadres_over_load(Cadre.objects.restrict(request.user).select_related("region"))
        breaking = [
            (b, services.binding_problem(b.cadre, b.business, rule_map))
            for b in services.bindings_breaking_rule(Binding.objects.restrict(request.user))
        ]
        ctx = {
            "title": "包保规则检查",
            "over": [(c, rule_map[c.level].max_load) for c in over],
            "breaking": breaking,
            "unbound": Business.objects.restrict(request.user)
            .operating()
            .exclude(bindings__is_active=True)
            .count(),
        }
        return render(request, "stewardship/checks.html", ctx)


class QuarterlySummaryView(LoginRequiredMixin, View):
    """The quarter's 包保 summary per township; ?export=xlsx downloads it."""

    def get(self, request):
        region = user_region(request.user)
        if region is None:
            raise Http404
        year, quarter = quarter_of(request)
        rows = figures.quarterly_summary(region, year, quarter)
        name = f"{region.name}{year}年第{quarter}季度包保工作汇总"
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                [figures.SUMMARY_HEADER, *figures.summary_rows(rows)],
                f"{name}.xlsx",
                sheet_title="包保季度汇总",
            )
        start, end = figures.quarter_bounds(year, quarter)
        ctx = {
            "title": name,
            "lines": list(zip(rows, figures.summary_rows(rows), strict=True)),
            "header": figures.SUMMARY_HEADER,
            "year": year,
            "quarter": quarter,
            "start": start,
            "end": end,
            "quarters": [1, 2, 3, 4],
        }
        return render(request, "stewardship/summary.html", ctx)


class TownshipReportView(LoginRequiredMixin, View):
    """三表一书一报告 of one township (of the user's region), from the records as of today or the year's end."""

    def get(self, request, region_pk):
        from shian.organisation.models import Region

        scope = user_region(request.user)
        town = Region.objects.filter(pk=region_pk).first()
        if scope is None or town is None or not town.path.startswith(scope.path):
            raise Http404
        year = request_year(request)
        as_of = min(timezone.localdate(), datetime.date(year, 12, 31))
        return document_response(
            request, docs.township_report_docx(town, year, as_of), f"{town.name}{year}年三表一书一报告"
        )


class PointsView(LoginRequiredMixin, View):
    """积分 and 星级 of the year: cadres, and the businesses visited (lowest first, as work to do)."""

    def get(self, request):
        from shian.stewardship import points

        year = request_year(request)
        visits = StewardVisit.objects.restrict(request.user)
        cadre_events, business_events = points.year_points(year, visits)
        cadres = Cadre.objects.restrict(request.user).filter(is_active=True).select_related("region")
        businesses = (
            Business.objects.restrict(request.user)
            .filter(pk__in=list(business_events))
            .select_related("region")
        )
        business_rows = points.ranking("business", businesses, business_events)
        ctx = {
            "title": f"{year}年包保积分与星级",
            "year": year,
            "cadres": points.ranking("cadre", cadres, cadre_events),
            "businesses": list(reversed(business_rows))[:100],
            "rules": PointRule.objects.all(),
            "stars": StarRule.objects.all(),
            "events": PointEvent.choices,
        }
        return render(request, "stewardship/points.html", ctx)


def _month(request) -> tuple[datetime.date, datetime.date]:
    raw = request.GET.get("month") or ""
    try:
        start = datetime.date.fromisoformat(raw + "-01")
    except ValueError:
        start = timezone.localdate().replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, min(end, max(timezone.localdate(), start))


class DutyView(LoginRequiredMixin, View):
    """主体责任: completion of 日管控/周排查/月调度 in a month by township and 业态, and recent records."""

    def get(self, request):
        from shian.stewardship import duty

        start, end = _month(request)
        businesses = Business.objects.restrict(request.user)
        ctx = {
            "title": "日管控周排查月调度",
            "start": start,
            "end": end,
            "kinds": DutyKind.choices,
            "completion": duty.completion(businesses, start, end),
            "records": DutyRecord.objects.restrict(request.user).select_related("business")[:30],
            "businesses": duty.duty_businesses(businesses).select_related("region")[:50],
        }
        return render(request, "stewardship/duty.html", ctx)


class DutyFormView(LoginRequiredMixin, View):
    template = "stewardship/duty_form.html"

    def get_business(self, request, pk):
        bound = Business.objects.filter(
            pk=pk, bindings__is_active=True, bindings__cadre__user=request.user
        ).first()
        return bound or get_object_for_user(Business, request.user, pk)

    def get(self, request, pk):
        business = self.get_business(request, pk)
        ctx = {"title": f"填报：{business.name}", "business": business, "kinds": DutyKind.choices}
        return render(request, self.template, ctx | {"today": timezone.localdate().isoformat()})

    def post(self, request, pk):
        from shian.stewardship import duty

        business = self.get_business(request, pk)
        try:
            day = datetime.date.fromisoformat(request.POST.get("period") or "")
        except ValueError:
            day = timezone.localdate()
        try:
            duty.record_duty(
                business,
                request.POST.get("kind", ""),
                day,
                actor=request.user,
                done_by=request.POST.get("done_by", ""),
                checked=request.POST.get("checked", ""),
                problems=request.POST.get("problems", ""),
                measures=request.POST.get("measures", ""),
            )
        except ValidationError as exc:
            ctx = {"title": f"填报：{business.name}", "business": business, "kinds": DutyKind.choices}
            ctx |= {"errors": exc.messages, "today": timezone.localdate().isoformat(), "posted": request.POST}
            return render(request, self.template, ctx, status=400)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, f"已填报{business.name}的记录")
        from shian.stewardship.enterprise import is_account_of

        if is_account_of(request.user, business):
            return redirect("stewardship:business_detail", business.pk)
        return redirect("stewardship:duty")
