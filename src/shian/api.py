"""The REST API root: every app registers its viewsets in its own `api.py` (function `register`)."""

from importlib import import_module

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

APPS = ["organisation", "framework", "campaigns", "workplan", "dispatch", "evidence", "scoring",
        "rectification", "supervision", "reports", "dashboard",
        "registry", "inspections"]

router = DefaultRouter()
for app in APPS:
    try:
        module = import_module(f"shian.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"shian.{app}.api":
            raise
        continue
    module.register(router)

api_urls = [
    path("token/", obtain_auth_token, name="api_token"),
    path("", include(router.urls)),
]
