"""A 企业账号 (business account) sees its own business's pages and nothing else of the system.

The scope policy already gives it no rows but its business's; this gate also keeps it off every other
page (lists that would only be empty, dashboards, the API of other apps): anything not named here is
404, the home page leads to its business.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from shian.organisation.choices import Role

# URL names (namespace:name) a business account may open.
ALLOWED = frozenset(
    {
        "stewardship:enterprise",
        "stewardship:business_detail",
        "stewardship:business_staff",
        "stewardship:business_risk_add",
        "stewardship:business_risk_delete",
        "stewardship:business_duty_import",
        "stewardship:business_lists",
        "stewardship:duty_form",
        "login",
        "logout",
        "password_change",
        "security:password_change",
        "security:otp_setup",
        "security:otp_verify",
        "security:recovery_codes",
        "notifications:bell",
        "notifications:list",
        "notifications:preferences",
        "notifications:open",
        "notifications:mark_read",
        "notifications:mark_all_read",
        "api_token",
    }
)
# API endpoints (path prefixes) of its own data.
API_PREFIXES = (
    "/api/stewardship/duty-records/",
    "/api/stewardship/risk-controls/",
    "/api/stewardship/enterprises/",
)
OPEN_PREFIXES = ("/static/", "/healthz", "/readyz", "/favicon")


class BusinessAccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.role != Role.BUSINESS or user.is_superuser:
            return self.get_response(request)
        path = request.path_info
        if path.startswith(OPEN_PREFIXES) or path.startswith(API_PREFIXES):
            return self.get_response(request)
        if path == "/":
            return redirect("stewardship:enterprise")
        try:
            match = resolve(path)
        except Resolver404:
            return self.get_response(request)  # the ordinary 404
        if match.view_name not in ALLOWED:
            raise Http404("企业账号只能查看本企业的主体责任信息")
        return self.get_response(request)


def home_url(user) -> str:
    return reverse("stewardship:business_detail", args=[user.business_scope_id])
