from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from shian.api import api_urls
from shian.core import registry
from shian.core import views as core_views
from shian.dashboard.views import HomeView
from shian.security import views as security_views
from shian.security.forms import AdminLoginForm

admin.site.login_form = AdminLoginForm
admin.site.site_header = "食安创城 系统管理"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("login/", security_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/", include("shian.security.urls")),
    path("healthz", core_views.healthz),
    path("readyz", core_views.readyz),
    path("favicon.ico", core_views.favicon),
    *registry.url_patterns(),
    path("api/", include(api_urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page needs no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"),
        name="api_redoc",
    ),
    path("admin/", admin.site.urls),
]
