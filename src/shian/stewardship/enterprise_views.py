"""The 主体责任 page of one business (its 包保干部, 总监/安全员, 风险管控清单, 日管控/周排查/月调度), shared by the
business's own account (企业账号, on a phone) and the office / township, who also open the account there."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.core.services import ConcurrentEditError
from shian.core.views import get_object_for_user
from shian.registry.models import Business
from shian.stewardship import duty, enterprise
from shian.stewardship.choices import DutyKind
from shian.stewardship.models import Binding, BusinessAccount, DutyRecord, RiskControl


def business_for(request, pk, action="view") -> Business:
    return get_object_for_user(
        Business, request.user, pk, action, queryset=Business.objects.select_related("region", "category")
    )


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


def month_completion(business, today: datetime.date) -> list[dict]:
    """This month so far: for each kind the records done of the periods required."""
    start = today.replace(day=1)
    done = {
        kind: n
        for kind, n in DutyRecord.objects.filter(business=business, period__gte=start, period__lte=today)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    for kind, label in DutyKind.choices:
        need = duty.periods(kind, start, today)
        got = min(done.get(kind, 0), need)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "done": got,
                "required": need,
                "rate": got / need if need else None,
            }
        )
    return rows


class EnterpriseHomeView(LoginRequiredMixin, View):
    """The business account's start page: its business."""

    def get(self, request):
        business_id = getattr(request.user, "business_scope_id", None)
        if not business_id:
            raise Http404("该账号未关联市场主体")
        return redirect("stewardship:business_detail", business_id)


class BusinessDutyView(LoginRequiredMixin, View):
    template = "stewardship/business.html"

    def get(self, request, pk):
        return render(request, self.template, self.context(request, business_for(request, pk)))

    def context(self, request, business, **extra):
        user = request.user
        today = timezone.localdate()
        try:
            enterprise.check_business_writer(business, user)
            can_write = True
        except PermissionDenied:
            can_write = False
        is_account = enterprise.is_account_of(user, business)
        ctx = {
            "title": business.name,
            "business": business,
            "is_account": is_account,
            "can_write": can_write,
            "can_open": enterprise.may_open_account(business, user),
            "must_run": bool(business.safety_director),
            "bindings": Binding.objects.filter(business=business, is_active=True)
            .select_related("cadre__region")
            .order_by("cadre__level", "cadre__name"),
            "risks": RiskControl.objects.filter(business=business),
            "records": DutyRecord.objects.filter(business=business).select_related("visit__cadre")[:20],
            "completion": month_completion(business, today),
            "accounts": []
            if is_account
            else BusinessAccount.objects.filter(business=business).select_related("user"),
            "year": today.year,
            "today": today,
        }
        return ctx | extra


class BusinessStaffView(BusinessDutyView):
    def post(self, request, pk):
        business = business_for(request, pk)
        try:
            enterprise.set_safety_staff(
                business,
                actor=request.user,
                director=request.POST.get("safety_director", ""),
                officer=request.POST.get("safety_officer", ""),
                expected_version=request.POST.get("version"),
            )
        except ValidationError as exc:
            ctx = self.context(request, business, staff_errors=_errors(exc))
            return render(request, self.template, ctx, status=400)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, "已保存食品安全总监和食品安全员")
        return redirect("stewardship:business_detail", business.pk)


class RiskAddView(BusinessDutyView):
    def post(self, request, pk):
        business = business_for(request, pk)
        try:
            enterprise.add_risk_control(
                business,
                actor=request.user,
                risk=request.POST.get("risk", ""),
                measures=request.POST.get("measures", ""),
                frequency=request.POST.get("frequency", ""),
                person=request.POST.get("person", ""),
            )
        except ValidationError as exc:
            ctx = self.context(request, business, risk_errors=_errors(exc), posted=request.POST)
            return render(request, self.template, ctx, status=400)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, "已加入风险管控清单")
        return redirect("stewardship:business_detail", business.pk)


class RiskDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk, item):
        business = business_for(request, pk)
        risk = RiskControl.objects.filter(pk=item, business=business).first()
        if risk is None:
            raise Http404
        try:
            enterprise.remove_risk_control(risk, actor=request.user)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, "已删除该风险点")
        return redirect("stewardship:business_detail", business.pk)


class OpenAccountView(BusinessDutyView):
    def post(self, request, pk):
        business = business_for(request, pk)
        if not enterprise.may_open_account(business, request.user):
            raise Http404
        try:
            account = enterprise.open_business_account(
                business,
                actor=request.user,
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
            )
        except ValidationError as exc:
            ctx = self.context(request, business, account_errors=_errors(exc), posted=request.POST)
            return render(request, self.template, ctx, status=400)
        messages.success(
            request, f"已开通企业账号“{account.user.username}”，请将初始密码告知企业，首次登录须修改密码"
        )
        return redirect("stewardship:business_detail", business.pk)


class CloseAccountView(LoginRequiredMixin, View):
    def post(self, request, pk, account):
        business, found = _account_for(request, pk, account)
        try:
            enterprise.close_business_account(found, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已停用企业账号“{found.user.username}”")
        return redirect("stewardship:business_detail", business.pk)


def _account_for(request, pk, account):
    """The business (in view scope) and one of its accounts, or 404 unless `request.user` may open one."""
    business = business_for(request, pk)
    found = BusinessAccount.objects.filter(pk=account, business=business).select_related("user").first()
    if found is None or not enterprise.may_open_account(business, request.user):
        raise Http404
    return business, found


class ReopenAccountView(LoginRequiredMixin, View):
    def post(self, request, pk, account):
        business, found = _account_for(request, pk, account)
        try:
            enterprise.reopen_business_account(found, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已重新启用企业账号“{found.user.username}”")
        return redirect("stewardship:business_detail", business.pk)


class ResetAccountPasswordView(BusinessDutyView):
    def post(self, request, pk, account):
        business, found = _account_for(request, pk, account)
        try:
            enterprise.reset_business_account_password(
                found,
                actor=request.user,
                password=request.POST.get("password", ""),
                expected_version=request.POST.get("version"),
            )
        except ValidationError as exc:
            ctx = self.context(request, business, reset_errors=_errors(exc), reset_account=found.pk)
            return render(request, self.template, ctx, status=400)
        except ConcurrentEditError as exc:
            ctx = self.context(request, business, reset_errors=[exc.message], reset_account=found.pk)
            return render(request, self.template, ctx, status=409)
        messages.success(
            request,
            f"已重置企业账号“{found.user.username}”的密码，请将新的初始密码告知企业，登录后须修改密码",
        )
        return redirect("stewardship:business_detail", business.pk)


class BusinessListsView(LoginRequiredMixin, View):
    """三张清单一承诺书 of one business (.docx, ?format=pdf)."""

    def get(self, request, pk):
        from shian.stewardship import docs
        from shian.stewardship.http import document_response, request_year

        business = business_for(request, pk)
        year = request_year(request)
        return document_response(
            request, docs.business_lists_docx(business, year), f"{business.name}{year}年三张清单一承诺书"
        )


class DutyImportView(LoginRequiredMixin, View):
    """xlsx of 日管控/周排查/月调度 records: of one business (`pk`, its account or the office) or of many
    businesses by credit code (the office / township). All rows right or nothing imported."""

    template = "stewardship/duty_import.html"

    def get(self, request, pk=None):
        business = business_for(request, pk) if pk is not None else None
        if business is None and request.user.role == "business":
            raise Http404
        return render(request, self.template, {"title": self.title(business), "business": business})

    def title(self, business):
        return (
            f"导入日管控周排查月调度：{business.name}" if business else "导入日管控周排查月调度（多个主体）"
        )

    def post(self, request, pk=None):
        from shian.core.uploads import check_upload
        from shian.stewardship.duty_import import import_duty

        business = business_for(request, pk) if pk is not None else None
        if business is None and request.user.role == "business":
            raise Http404
        upload = request.FILES.get("file")
        ctx = {"title": self.title(business), "business": business}
        try:
            if upload is None:
                raise ValidationError("请选择要导入的文件")
            name = check_upload(upload, "import")
            result = import_duty(upload, actor=request.user, business=business, filename=name)
        except ValidationError as exc:
            ctx["errors"] = exc.messages
            return render(request, self.template, ctx, status=400)
        except PermissionDenied as exc:
            ctx["errors"] = [str(exc)]
            return render(request, self.template, ctx, status=403)
        ctx["result"] = result
        return render(request, self.template, ctx, status=200 if result.ok else 400)
