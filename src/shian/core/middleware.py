from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from shian.core.audit import actor_context, address_context
from shian.core.services import ConcurrentEditError


def client_ip(request) -> str:
    """The client's address: the first X-Forwarded-For hop behind a trusted proxy, else REMOTE_ADDR."""
    if request is None:
        return ""
    if settings.SHIAN_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]


class CurrentActorMiddleware:
    """Makes the logged-in user the actor, and the client address the source, of every audit entry.

    A business rule that refuses a change deep in a service (e.g. a write into an archived campaign)
    raises ValidationError; a page that does not catch it answers 400 with the Chinese reasons instead
    of a server error (the API has its own exception handler).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with actor_context(user), address_context(client_ip(request)):
            return self.get_response(request)


class RefusedWriteMiddleware:
    """The last line for pages: a stale or invalid write that a view did not catch is shown as a Chinese
    message (409 / 400) instead of a server error. Nothing was written: the view's transaction rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None  # the API has its own handler (core.api.exception_handler)
        if isinstance(exception, ConcurrentEditError):
            return self._render(request, [str(exception)], 409)
        if isinstance(exception, ValidationError):
            return self._render(request, exception.messages, 400)
        return None

    def _render(self, request, errors, status):
        back = request.headers.get("Referer") or "/"
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return render(
            request, "core/refused.html", {"title": "未保存", "errors": errors, "back": back}, status=status
        )
