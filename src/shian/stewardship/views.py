from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views import View

from shian.core.policy import can
from shian.core.views import ObjectListView, get_object_for_user
from shian.registry.models import Business
from shian.stewardship import services
from shian.stewardship.filtersets import BindingFilterSet, CadreFilterSet, UnboundBusinessFilterSet
from shian.stewardship.models import Binding, Cadre
from shian.stewardship.tables import BindingTable, CadreTable, UnboundBusinessTable


class CadreListView(ObjectListView):
    model = Cadre
    filterset_class = CadreFilterSet
    table_class = CadreTable
    title = "包保干部"
    export_name = "包保干部"
    extra_actions = [("包保关系", "stewardship:binding_list"), ("未包保主体", "stewardship:unbound")]

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
        cadre = get_object_for_user(Cadre, request.user, pk, queryset=Cadre.objects.select_related("region"))
        bindings = cadre.bindings.filter(is_active=True).select_related("business__region")
        rule_map = services.rules()
        rows = [(b, services.binding_problem(cadre, b.business, rule_map)) for b in bindings]
        ctx = {
            "object": cadre,
            "title": cadre.name,
            "rows": rows,
            "rule": rule_map.get(cadre.level),
            "can_edit": not request.user.is_read_only and can(request.user, "change", cadre),
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
