"""The REST API root: every app registers its viewsets in its own `api.py` (function `register`)."""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from shian.security.tokens import ObtainTokenView

APPS = ["organisation", "framework", "campaigns", "workplan", "dispatch", "evidence", "scoring",
        "rectification", "supervision", "reports", "dashboard"]

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
    path("token/", ObtainTokenView.as_view(), name="api_token"),
    path("", include(router.urls)),
]
