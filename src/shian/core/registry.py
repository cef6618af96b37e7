"""The one place a domain app registers itself: its URLs, its navigation entries, its API and its demo data.

Each app's `apps.py` derives its AppConfig from `ShianApp` and declares what it brings; the site's
`urls.py`, the API root, the navigation and `shian demo` read the declarations here instead of keeping
lists of apps. `core` provides the mechanism and imports no domain app: apps are found through Django's
app registry, in INSTALLED_APPS order (the order everything hangs on them).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace

from django.apps import AppConfig, apps
from django.urls import NoReverseMatch, include, path, reverse

# Role codes as organisation.choices.Role spells them (core does not import a domain app).
UNITS = frozenset({"unit_head", "liaison"})
OFFICE = frozenset({"office", "admin"})
OVERSIGHT = frozenset({"office", "admin", "leader"})
ADMIN = frozenset({"admin"})
# 企业账号: confined to the pages of its own business; entries for "everybody" (roles None) skip it.
BUSINESS = frozenset({"business"})


@dataclass(frozen=True)
class NavItem:
    """One entry of the main menu; `roles` None = everybody signed in but 企业账号. Entries of one `group` share a
    dropdown, placed where the first of them would stand (twenty entries do not fit in one bar)."""

    label: str
    url_name: str
    icon: str
    roles: frozenset | None = None
    order: int = 100
    group: str = ""


class ShianApp(AppConfig):
    """Base AppConfig of every shian domain app."""

    url_prefix: str | None = None  # the app's urls.py is mounted here ("tasks/")
    # The app's public_urls.py (pages without login, views derived from core.public.PublicView) is
    # mounted here ("survey/"); the site test treats exactly these prefixes as anonymous.
    public_url_prefix: str | None = None
    nav: tuple[NavItem, ...] = ()
    has_api: bool = False  # the app's api.py has register(router)
    has_demo: bool = False  # the app's demo.py has populate(ctx)

    def on_serve(self, stdout) -> None:
        """Called by `shian run` just before it serves: print hints, start in-process background work."""


def serve_hooks(stdout) -> None:
    for app in shian_apps():
        app.on_serve(stdout)


def shian_apps() -> list[ShianApp]:
    return [c for c in apps.get_app_configs() if isinstance(c, ShianApp)]


def url_patterns() -> list:
    return [
        path(app.url_prefix, include(f"{app.name}.urls"))
        for app in shian_apps()
        if app.url_prefix is not None
    ] + [
        path(app.public_url_prefix, include(f"{app.name}.public_urls"))
        for app in shian_apps()
        if app.public_url_prefix is not None
    ]


def public_prefixes() -> tuple[str, ...]:
    return tuple(app.public_url_prefix for app in shian_apps() if app.public_url_prefix is not None)


def register_api(router) -> None:
    for app in shian_apps():
        if app.has_api:
            import_module(f"{app.name}.api").register(router)


def navigation(user, current_path: str) -> list[dict]:
    """The menu for `user`, in order; entries whose page is not installed are left out."""
    if user is None or not user.is_authenticated:
        return []
    role = "admin" if user.is_admin else user.role
    entries = sorted((item for app in shian_apps() for item in app.nav), key=lambda i: i.order)
    items = []
    for item in entries:
        if item.roles is not None and role not in item.roles:
            continue
        if item.roles is None and role in BUSINESS:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        entry = {"label": item.label, "url": url, "icon": item.icon, "active": active}
        if not item.group:
            items.append(entry)
            continue
        menu = next((i for i in items if i.get("children") is not None and i["label"] == item.group), None)
        if menu is None:
            menu = {"label": item.group, "icon": item.icon, "active": False, "children": []}
            items.append(menu)
        menu["children"].append(entry)
        menu["active"] = menu["active"] or active
    # a group of one is just that entry
    return [
        i["children"][0] if i.get("children") is not None and len(i["children"]) == 1 else i for i in items
    ]


def demo_modules():
    return [import_module(f"{app.name}.demo") for app in shian_apps() if app.has_demo]


def populate_demo(ctx: SimpleNamespace, stdout=None) -> SimpleNamespace:
    """Every app's demo.populate(ctx), in app order: organisation first, each later app reading what the
    earlier ones put on `ctx` (county, units, users, framework, campaign …)."""
    for module in demo_modules():
        if stdout:
            stdout.write(f"  演示数据：{module.__name__.split('.')[1]}")
        module.populate(ctx)
    return ctx


def demo_logins(password: str) -> str:
    """What the demo's apps say about their logins (organisation lists the accounts)."""
    return "\n".join(m.logins(password) for m in demo_modules() if hasattr(m, "logins"))
