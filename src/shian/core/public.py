"""Pages without login (surveys, 能问能答 links, 你点我检): the safeguards they all share.

A public page derives from `PublicView`. It is mounted from its app's `public_urls.py` under the app's
`public_url_prefix` (core/registry.py), so the site test knows every anonymous URL. What it gets:

* a rate limit per client address and scope (GET and POST counted apart), answered with a Chinese 429;
  addresses are kept only as keyed hashes, in the cache, for the length of the window;
* `noindex`, no referrer (tokens in the URL do not leak to other sites), no caching of answers;
* CSRF stays on: Django's cookie-based token works without a session.

Objects are reached by unguessable tokens (`new_public_token()`), never by id. A browser keeps a random
device token (`device_token()`); apps store only `device_fingerprint(token, salt)` — a keyed hash, per
survey — so a repeated answer can be refused without any table joining an answer to a device.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.views import View

from shian.core.middleware import client_ip

DEVICE_COOKIE = "shian_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600


def _keyed(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def new_public_token(nbytes: int = 12) -> str:
    """A URL-safe random token (16 characters for 12 bytes) that names a public object."""
    return secrets.token_urlsafe(nbytes)


def throttled(request, scope: str, limit: int, window: int) -> bool:
    """Counts this request against `limit` per `window` seconds for the client address; True when over."""
    slot = int(time.time() // window)
    key = f"shian:throttle:{scope}:{_keyed('ip', client_ip(request))[:32]}:{slot}"
    if cache.add(key, 1, timeout=window + 1):
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return False


def device_token(request) -> str:
    """The browser's device token (from its cookie), or a new one; `remember_device` sets the cookie."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(token) == 22 and token.replace("-", "").replace("_", "").isalnum():
        return token
    token = getattr(request, "_shian_new_device", None) or secrets.token_urlsafe(16)
    request._shian_new_device = token
    return token


def remember_device(request, response) -> None:
    if getattr(request, "_shian_new_device", None):
        response.set_cookie(
            DEVICE_COOKIE,
            request._shian_new_device,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def device_fingerprint(token: str, salt: str) -> str:
    """A keyed hash of a device token for one survey/poll (`salt`): comparable within it, useless outside."""
    return _keyed("device", salt, token)


def address_fingerprint(request, salt: str) -> str:
    """The same for the client address (for per-address caps an app stores with a time window)."""
    return _keyed("address", salt, client_ip(request))


class PublicView(View):
    """Base of every page reachable without login."""

    throttle_scope = "public"
    get_rate = (120, 60)  # requests per seconds, per address
    post_rate = (20, 60)

    def dispatch(self, request, *args, **kwargs):
        limit, window = self.post_rate if request.method == "POST" else self.get_rate
        if throttled(request, f"{self.throttle_scope}:{request.method == 'POST'}", limit, window):
            response = render(request, "core/public_throttled.html", {"title": "访问过于频繁"}, status=429)
            response["Retry-After"] = str(window)
        else:
            response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The token in the address must not reach other sites; "no-referrer" would also make Chromium
        # post Origin: null, which CSRF protection refuses, so keep it within our own origin.
        response["Referrer-Policy"] = "same-origin"
        response.setdefault("Cache-Control", "no-store")
        remember_device(request, response)
        return response
