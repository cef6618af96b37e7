"""Navigation shown in the base layout: the entries the apps declare (core.registry), filtered by role."""

from shian.core import registry


def navigation(request):
    return {"nav_items": registry.navigation(getattr(request, "user", None), request.path)}
