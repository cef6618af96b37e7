from shian.core.audit import actor_context, address_context


class CurrentActorMiddleware:
    """Makes the logged-in user the actor, and the client address the source, of every audit entry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from shian.security.lockout import client_ip

        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with actor_context(user), address_context(client_ip(request)):
            return self.get_response(request)
