"""Shared pytest fixtures: the fixed cast (see shian.core.testing) and logged-in clients."""

import pytest


@pytest.fixture
def cast(db):
    from shian.core.testing import build_cast

    return build_cast()


@pytest.fixture
def login(client):
    """login(user) → a Django test client logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api(db):
    """api(user) → a DRF APIClient authenticated as that user."""
    from rest_framework.test import APIClient

    def _api(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return _api
