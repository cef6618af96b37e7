"""The demo's driver: every app's `demo.populate(ctx)` in app order (see core.registry), inside one
transaction, with a fixed random seed so every demo database is the same."""

import os
import random
import secrets
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shian.core import registry
from shian.core.audit import actor_context


def demo_password() -> str:
    """SHIAN_DEMO_PASSWORD, or a random one kept in the data folder so later runs can print it again."""
    configured = os.environ.get("SHIAN_DEMO_PASSWORD")
    if configured:
        return configured
    path = settings.DATA_DIR / "demo_password.txt"
    if path.exists():
        return path.read_text().strip()
    password = "Shian-" + secrets.token_urlsafe(6)
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(password)
    path.chmod(0o600)
    return password


def build_demo(stdout=None) -> dict:
    """Create the whole demo in an empty database; returns the password and the users to print."""
    password = demo_password()
    ctx = SimpleNamespace(rng=random.Random(2024), password=password, today=timezone.localdate())
    with actor_context(None), transaction.atomic():
        registry.populate_demo(ctx, stdout)
    return {"password": password, "users": ctx.users}


def demo_logins_text(password: str) -> str:
    return registry.demo_logins(password)
