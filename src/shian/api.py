"""The REST API root: every app that declares `has_api` registers its viewsets in its `api.py` (see core.registry)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from shian.core import registry
from shian.security.tokens import ObtainTokenView

router = DefaultRouter()
registry.register_api(router)

api_urls = [
    path("token/", ObtainTokenView.as_view(), name="api_token"),
    path("", include(router.urls)),
]
