"""The REST API root: every app that declares `has_api` registers its viewsets in its `api.py` (see core.registry)."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from shian.core import registry

router = DefaultRouter()
registry.register_api(router)

api_urls = [
    path("token/", obtain_auth_token, name="api_token"),
    path("", include(router.urls)),
]
