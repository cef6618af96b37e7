"""Site-wide guarantees: nothing is reachable anonymously, the API schema builds, no CDN references."""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from shian.core import registry
from shian.core.public import PublicView

PUBLIC_PREFIXES = (
    "login/",
    "healthz",
    "readyz",
    "favicon.ico",
    "static/",
    "admin/",
    "api/token/",
)


def _iter_patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _iter_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _concrete(pattern: str) -> str:
    path = re.sub(r"<int:\w+>", "1", pattern)
    path = re.sub(r"<(?:str|slug|path):\w+>", "x", path)
    path = re.sub(r"<\w+>", "1", path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


@pytest.mark.django_db
def test_every_page_and_api_requires_login(client):
    checked = 0
    for pattern in _iter_patterns(get_resolver()):
        if (
            pattern.startswith(PUBLIC_PREFIXES + registry.public_prefixes())
            or "(?P<format>" in pattern
            or pattern.startswith("^")
        ):
            continue
        path = _concrete(pattern)
        response = client.get(path)
        assert response.status_code in (301, 302, 401, 403, 404, 405), f"{path} → {response.status_code}"
        if response.status_code == 302:
            assert "/login/" in response["Location"], path
        checked += 1
    assert checked > 20


def test_openapi_schema_builds(cast, api):
    response = api(cast.office_user).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if hasattr(response, "json") else None
    assert "/api/units/" in schema["paths"] and "/api/campaigns/" in schema["paths"]


def test_api_docs_page_uses_local_assets(cast, login):
    body = login(cast.office_user).get("/api/docs/").content.decode()
    assert re.findall(r"""(?:src|href)=["']?(https?://[^"' >]+)""", body) == []
    assert "/static/drf_spectacular_sidecar/" in body


def test_token_auth_works_with_same_scope(cast, client):
    response = client.post("/api/token/", {"username": "office", "password": cast.password})
    token = response.json()["token"]
    listed = client.get("/api/units/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert all(u["region_name"] != "盐亭县" for u in listed["results"])


def test_no_external_urls_in_templates_and_static():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*"):
        if path.suffix not in (".html", ".css", ".js") or "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if re.search(r"(src|href)=[\"']https?://", text) or "@import url(http" in text:
            offenders.append(str(path))
    assert offenders == []


def test_every_public_page_is_a_public_view():
    """Anonymous URLs come only from apps' public_urls.py, and each of them has the public safeguards."""
    for prefix in registry.public_prefixes():
        for pattern in _iter_patterns(get_resolver()):
            if pattern.startswith(prefix):
                view = resolve(_concrete(pattern)).func
                assert issubclass(getattr(view, "view_class", object), PublicView), pattern
