"""Login, logout, password change, the second factor, and the administrators' unlock page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from shian.security import lockout, otp
from shian.security.forms import LoginForm, OtpForm, ShianPasswordChangeForm


def _next(request, default="/"):
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return default
    return target


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.lock is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.lock.retry_after)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    form_class = ShianPasswordChangeForm

    def get_success_url(self):
        return _next(self.request)

    def form_valid(self, form):
        form.save()
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "密码已修改；原有接口令牌已作废。")
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        from django.contrib.auth.password_validation import password_validators_help_texts

        from shian.security.middleware import password_expired

        user = self.request.user
        ctx["forced"] = user.must_change_password or password_expired(user)
        ctx["rules"] = password_validators_help_texts()
        ctx["next"] = _next(self.request, "")
        return ctx


class OtpSetupView(LoginRequiredMixin, View):
    template_name = "security/otp_setup.html"

    def _render(self, request, form, device, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "device": device,
                "qr": otp.qr_data_uri(device),
                "secret": otp.secret_text(device),
                "title": "启用双因素认证",
                "next": _next(request, ""),
            },
            status=status,
        )

    def get(self, request):
        from django_otp import user_has_device

        if user_has_device(request.user) and not request.user.is_verified():
            return redirect("security:otp_verify")
        return self._render(request, OtpForm(), otp.pending_device(request.user))

    def post(self, request):
        device = otp.pending_device(request.user)
        form = OtpForm(request.POST)
        if form.is_valid():
            codes = otp.confirm_device(request.user, device, form.cleaned_data["token"], request=request)
            if codes:
                return render(
                    request,
                    "security/recovery_codes.html",
                    {"codes": codes, "title": "恢复码", "next": _next(request)},
                )
            form.add_error("token", "动态验证码不正确，请核对手机时间后重试")
        return self._render(request, form, device, status=400)


class OtpVerifyView(LoginRequiredMixin, View):
    template_name = "security/otp_verify.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"form": OtpForm(), "title": "双因素认证", "next": _next(request, "")},
        )

    def post(self, request):
        form = OtpForm(request.POST)
        if form.is_valid() and otp.verify_token(request.user, form.cleaned_data["token"], request=request):
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", "动态验证码或恢复码不正确")
        return render(
            request,
            self.template_name,
            {"form": form, "title": "双因素认证", "next": _next(request, "")},
            status=400,
        )


class RecoveryCodesView(LoginRequiredMixin, View):
    """New recovery codes (the old ones stop working); needs a verified second factor."""

    def post(self, request):
        if not request.user.is_verified():
            raise PermissionDenied("请先完成双因素认证")
        codes = otp.new_recovery_codes(request.user)
        from shian.core.audit import log_security_event

        log_security_event("otp_enabled", target=request.user, note="重新生成恢复码 10 个，原恢复码作废")
        return render(
            request, "security/recovery_codes.html", {"codes": codes, "title": "恢复码", "next": "/"}
        )


class LocksView(LoginRequiredMixin, View):
    """Accounts and addresses locked now; an administrator unlocks them."""

    def get(self, request):
        if not request.user.is_admin:
            raise PermissionDenied
        return render(
            request,
            "security/locks.html",
            {
                "title": "登录锁定",
                "locks": lockout.active_locks(),
                "limits": (
                    settings.SHIAN_LOCKOUT_LIMIT,
                    settings.SHIAN_LOCKOUT_WINDOW_MINUTES,
                    settings.SHIAN_LOCKOUT_MINUTES,
                ),
            },
        )

    def post(self, request):
        username, ip = request.POST.get("username", ""), request.POST.get("ip_address", "")
        lockout.unlock(username=username, ip=ip, actor=request.user)
        messages.success(request, f"已解除锁定：{username or ip}")
        return redirect("security:locks")


class ResetSecondFactorView(LoginRequiredMixin, View):
    def post(self, request, pk):
        from shian.organisation.models import User

        target = get_object_or_404(User, pk=pk)
        otp.reset_second_factor(target, actor=request.user)
        messages.success(request, f"已重置 {target} 的双因素认证")
        return redirect("organisation:user_list")
