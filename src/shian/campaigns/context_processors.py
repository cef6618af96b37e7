"""The navbar's campaign switcher: the user's current campaign and the others they may switch to."""

from django.utils.functional import SimpleLazyObject


def campaign_switcher(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"campaign_menu": []}
    from shian.campaigns.services import campaign_menu

    # Lazy: pages without the navbar (fragments, downloads) never run the query.
    return {"campaign_menu": SimpleLazyObject(lambda: campaign_menu(user))}
