"""The safeguards every page without login shares (core/public.py), tried directly."""

from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from shian.core import public


class Hello(public.PublicView):
    throttle_scope = "test-hello"
    get_rate = (3, 60)
    post_rate = (1, 60)

    def get(self, request):
        public.device_token(request)  # a page that needs to know the device asks for it
        return HttpResponse("好")

    def post(self, request):
        return HttpResponse("收到")


def _get(ip="10.0.0.1", method="get", cookies=None):
    request = getattr(RequestFactory(), method)("/x", REMOTE_ADDR=ip)
    request.COOKIES.update(cookies or {})
    return Hello.as_view()(request)


def test_rate_limit_per_address_and_method(db):
    cache.clear()
    assert [_get().status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _get(ip="10.0.0.2").status_code == 200  # another address has its own budget
    assert _get(method="post").status_code == 200  # POSTs are counted apart
    refused = _get(method="post")
    assert refused.status_code == 429 and "访问过于频繁" in refused.content.decode()
    assert refused["Retry-After"] == "60"


def test_headers_and_device_cookie(db):
    cache.clear()
    response = _get()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    token = response.cookies[public.DEVICE_COOKIE].value
    assert len(token) == 22 and response.cookies[public.DEVICE_COOKIE]["httponly"]
    again = _get(cookies={public.DEVICE_COOKIE: token})
    assert public.DEVICE_COOKIE not in again.cookies  # a known device is not re-issued


def test_fingerprints_are_keyed_per_salt():
    a = public.device_fingerprint("t" * 22, "survey-1")
    assert a == public.device_fingerprint("t" * 22, "survey-1")
    assert a != public.device_fingerprint("t" * 22, "survey-2")
    assert "t" * 22 not in a


def test_cache_never_holds_the_address(db):
    cache.clear()
    _get(ip="192.168.77.5")
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("192.168.77.5" in k for k in keys)


def test_tokens_are_unguessable():
    tokens = {public.new_public_token() for _ in range(1000)}
    assert len(tokens) == 1000 and all(len(t) == 16 for t in tokens)
