"""Template tags other apps' pages use to show notification data without importing this app."""

from django import template

register = template.Library()


@register.simple_tag
def round_reminders(rnd, user):
    """Who was reminded when in this round (a unit sees its own reminders only)."""
    from shian.notifications.services import round_reminders as reminders

    return reminders(rnd, user)
