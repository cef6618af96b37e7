"""/healthz and /readyz for load balancers: public, terse, and truthful about what answers."""

import pytest

from shian.core.tests import servers


def test_healthz_answers_without_login_and_touches_nothing(client):
    response = client.get("/healthz")  # no database access is allowed in this test: none is made
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readyz_checks_database_and_storage(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = ""
    settings.MEDIA_ROOT = str(tmp_path / "not-yet-created" / "media")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}


@pytest.mark.django_db
def test_readyz_checks_redis_when_a_broker_is_configured(client, settings):
    if not servers.redis_reachable():
        pytest.skip("Redis 不可用")
    settings.CELERY_BROKER_URL = servers.BROKER_URL
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_readyz_says_503_and_which_part_when_redis_is_down(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{servers.free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["redis"] == "error"
    assert body["checks"]["database"] == "ok" and "Connection" not in response.content.decode()
