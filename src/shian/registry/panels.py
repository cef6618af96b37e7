"""What apps above the registry add to a business's page (the 信用档案 comes from inspections).

An app registers a function `(business, user) -> dict` in its AppConfig.ready(); the detail page merges
the dicts into its context. The registry never imports the apps that build on it.
"""

_CONTRIBUTORS = []


def add_business_context(func):
    _CONTRIBUTORS.append(func)
    return func


def business_context(business, user) -> dict:
    ctx = {}
    for func in _CONTRIBUTORS:
        ctx.update(func(business, user))
    return ctx
