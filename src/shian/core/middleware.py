from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from shian.core.audit import actor_context
from shian.core.services import ConcurrentEditError


class CurrentActorMiddleware:
    """Makes the logged-in user the actor of every audit entry written during the request.

    A business rule that refuses a change deep in a service (e.g. a write into an archived campaign)
    raises ValidationError; a page that does not catch it answers 400 with the Chinese reasons instead
    of a server error (the API has its own exception handler).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with actor_context(user):
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
        return render(request, "core/refused.html", {"title": "未保存", "errors": errors, "back": back},
                      status=status)
