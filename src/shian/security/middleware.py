"""Request-level security: CSP and friends, session idle/absolute timeouts, and the account gate
(second factor, forced password change) that a logged-in user must pass before any other page."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_SEEN = "_shian_seen"
SESSION_AUTH_AT = "_shian_auth_at"
TOUCH_SECONDS = 60  # write the session for activity at most once a minute, not on every request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# The vendored Swagger UI / Redoc pages (API documentation only, no business data) set style attributes
# from their bundles; they alone may use inline *styles*. Scripts stay 'self' everywhere.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src 'self' blob:"
DOCS_PATHS = ("/api/docs/", "/api/redoc/")


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere (templates use classes and data-* attributes; see shian.js)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.SHIAN_CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if "Content-Security-Policy" not in response:  # file downloads set their own, stricter one
            response[header] = DOCS_CSP if request.path.startswith(DOCS_PATHS) else CSP
        response.setdefault(
            "Permissions-Policy", "camera=(self), microphone=(), geolocation=(self), payment=()"
        )
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault("Cache-Control", "no-store")
        return response


def mark_authenticated(request):
    now = int(time.time())
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN] = now


class SessionPolicyMiddleware:
    """Logs out after SHIAN_SESSION_IDLE_MINUTES without a request and SHIAN_SESSION_MAX_HOURS after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            seen = session.get(SESSION_SEEN)
            auth_at = session.get(SESSION_AUTH_AT)
            reason = ""
            if seen is not None and now - seen > settings.SHIAN_SESSION_IDLE_MINUTES * 60:
                reason = f"超过 {settings.SHIAN_SESSION_IDLE_MINUTES} 分钟未操作，会话已失效"
            elif auth_at is not None and now - auth_at > settings.SHIAN_SESSION_MAX_HOURS * 3600:
                reason = f"登录已超过 {settings.SHIAN_SESSION_MAX_HOURS} 小时，请重新登录"
            if reason:
                request.shian_logout_reason = reason
                logout(request)
                from django.contrib import messages

                messages.warning(request, reason + "。")
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse({"detail": reason}, status=401)
                return redirect(f"{reverse('login')}?next={request.path}")
            if auth_at is None:
                session[SESSION_AUTH_AT] = now  # sessions from before this policy (or force_login in tests)
            if seen is None or now - seen >= TOUCH_SECONDS:
                session[SESSION_SEEN] = now
        return self.get_response(request)


GATE_EXEMPT = (
    "/static/",
    "/healthz",
    "/logout/",
    "/account/otp/",
    "/account/password/",
    "/login/",
    "/favicon",
)


def requires_second_factor(user) -> bool:
    from shian.organisation.choices import Role

    return bool(settings.SHIAN_REQUIRE_2FA) and (user.is_superuser or user.role in (Role.ADMIN, Role.OFFICE))


class AccountGateMiddleware:
    """Before any page: the second factor (if the role needs it), then a forced password change.

    API calls authenticated by token are not affected here: the token endpoint itself demands the
    second factor (security/tokens.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(GATE_EXEMPT):
            return self.get_response(request)
        target = gate_for(request)
        if target:
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "请先在网页上完成双因素认证或修改初始密码"}, status=403)
            if request.headers.get("HX-Request") == "true":
                # A fragment (the bell) must not pull the whole gate page into the one being filled in.
                from django.http import HttpResponse

                return HttpResponse(status=204)
            return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)


def gate_for(request) -> str:
    """The URL the user must visit first, or ''."""
    user = request.user
    if requires_second_factor(user):
        from django_otp import user_has_device

        if not user.is_verified():
            return reverse("security:otp_verify") if user_has_device(user) else reverse("security:otp_setup")
    if user.must_change_password or password_expired(user):
        return reverse("security:password_change")
    return ""


def password_expired(user) -> bool:
    days = settings.SHIAN_PASSWORD_MAX_DAYS
    if not days or user.password_changed_at is None:
        return False
    from django.utils import timezone

    return (timezone.now() - user.password_changed_at).days >= days
