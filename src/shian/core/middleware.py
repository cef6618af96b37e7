from django.core.exceptions import ValidationError
from django.shortcuts import render

from shian.core.audit import actor_context


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

    def process_exception(self, request, exception):
        if not isinstance(exception, ValidationError) or request.path.startswith("/api/"):
            return None
        return render(request, "core/refused.html", {"title": "操作未完成", "reasons": exception.messages},
                      status=400)
