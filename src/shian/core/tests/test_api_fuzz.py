"""No input makes the API fail: a bounded, seeded schemathesis run over the whole OpenAPI schema.

Every operation of `/api/schema/` is fed generated requests in-process (the WSGI app, no server) as the
office and as a liaison, authenticated by token. A response must never be a 5xx and must match the
documented response schema. Path ids are drawn half the time from rows that exist, so action endpoints
are reached with real objects and not only answered with 404. Each request runs inside a savepoint that
is rolled back, so the data every example sees is the same and the run is reproducible.

SHIAN_FUZZ_EXAMPLES raises the number of examples per operation for a longer local run.
"""

import datetime
import json
import os
import re
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

EXAMPLES = int(os.environ.get("SHIAN_FUZZ_EXAMPLES", "10"))
SEED = 20261201


def load_schema():
    from django.core.handlers.wsgi import WSGIHandler
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))
    schema.app = WSGIHandler()
    return schema


def model_for(path_template):
    """The model behind an operation's `{id}`, from the viewset the path resolves to (None if none)."""
    probe = re.sub(r"\{[^}]+\}", "1", path_template)
    try:
        match = resolve(probe)
    except Resolver404:
        return None
    cls = getattr(match.func, "cls", None)
    queryset = getattr(cls, "base_queryset", None) or getattr(cls, "queryset", None)
    return queryset.model if queryset is not None else None


def enrich(cast):
    """Objects of every kind the API exposes, so that detail and action endpoints meet real rows."""
    from shian.dispatch.models import DispatchReport, DispatchRound
    from shian.rectification.models import Problem
    from shian.scoring.models import Assessment, ReviewGroup

    Problem.objects.create(
        campaign=cast.campaign, description="学校食堂留样不全", unit=cast.edu, severity="red"
    )
    Problem.objects.create(
        campaign=cast.campaign, description="抽检未完成", unit=cast.market, severity="blue", status="verified"
    )
    Problem.objects.create(
        campaign=cast.other_campaign, description="盐亭问题", unit=cast.other_edu, severity="red"
    )
    rnd = DispatchRound.objects.create(
        campaign=cast.campaign,
        title="第一期调度",
        kind="monthly",
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    DispatchReport.objects.create(round=rnd, unit=cast.edu, status="submitted", narrative="本月完成")
    DispatchReport.objects.create(round=rnd, unit=cast.market)
    assessment = Assessment.objects.create(campaign=cast.campaign, kind="self", title="自评")
    group = ReviewGroup.objects.create(assessment=assessment, name="资料审查组")
    group.members.add(cast.expert)
    group.items.add(cast.items[1])


def check_operation(operation, headers, errors):
    """Feed one operation EXAMPLES generated requests; failures are collected into `errors`."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    model = model_for(operation.path) if "{id}" in operation.path else None
    ids = sorted(model.objects.values_list("pk", flat=True))[:8] if model is not None else []

    # Valid requests (every documented field) and invalid ones (wrong types, "null", 22-digit ids …).
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, pick=st.integers(min_value=0, max_value=15))
    def run(case, pick):
        if ids and pick < 8 and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = ids[pick % len(ids)]
        sid = transaction.savepoint()
        try:
            response = case.call(headers=headers)
        finally:
            transaction.savepoint_rollback(sid)
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance], headers=headers
            )
        except BaseExceptionGroup as group:  # schemathesis' FailureGroup: one entry per distinct failure
            for exc in group.exceptions:
                key = (operation.label, type(exc).__name__, str(exc).strip().splitlines()[0][:120])
                if key not in errors:
                    errors[key] = (
                        f"{case.method} {case.formatted_path} body={case.body!r} "
                        f"query={case.query!r}\n{str(exc)[:1200]}"
                    )

    run()


def fuzz_as(user):
    from rest_framework.authtoken.models import Token

    errors = {}
    token = Token.objects.create(user=user).key
    started = time.monotonic()
    headers = {"Authorization": f"Token {token}"}
    # As Django's test client does: a request must not close the connection holding the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for result in load_schema().get_all_operations():
            check_operation(result.ok(), headers, errors)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    report = "\n\n".join(
        f"{label} [{kind}] {head}\n{detail}" for (label, kind, head), detail in errors.items()
    )
    return errors, report, time.monotonic() - started


@pytest.mark.django_db
def test_no_input_makes_the_api_fail_for_the_office(cast):
    enrich(cast)
    errors, report, elapsed = fuzz_as(cast.office_user)
    assert not errors, f"{len(errors)} 个接口错误（{elapsed:.0f} 秒）:\n{report}"


@pytest.mark.django_db
def test_no_input_makes_the_api_fail_for_a_liaison(cast):
    enrich(cast)
    errors, report, elapsed = fuzz_as(cast.edu_liaison)
    assert not errors, f"{len(errors)} 个接口错误（{elapsed:.0f} 秒）:\n{report}"
