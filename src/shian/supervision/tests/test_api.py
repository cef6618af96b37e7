"""API: ledgers read-only and scoped, metric values with versions, indicator evaluation."""

import datetime

from shian.supervision.models import MetricValue
from shian.supervision.tests.factories import indicator, metric_form, sample


def test_evaluate_through_the_api(cast, api):
    defn = indicator()
    for _ in range(21):
        sample(cast.town, datetime.date(2023, 3, 1))
    data = (
        api(cast.office_user)
        .get(
            f"/api/supervision/indicators/{defn.pk}/evaluate/",
            {"region": "510722", "period": "2023", "drill_down": "1"},
        )
        .json()
    )
    assert (data["numerator"], data["denominator"], data["value"], data["target"], data["met"]) == (
        21,
        1050,
        0.02,
        4,
        False,
    )
    assert [c["region_name"] for c in data["children"]] == ["潼川镇", "芦溪镇"]
    assert (
        api(cast.office_user)
        .get(f"/api/supervision/indicators/{defn.pk}/evaluate/", {"region": "510723", "period": "2023"})
        .status_code
        == 404
    )


def test_ledgers_are_read_only_and_scoped(cast, api):
    mine = sample(cast.town, datetime.date(2023, 3, 1))
    theirs = sample(cast.other_county, datetime.date(2023, 3, 1))
    client = api(cast.office_user)
    numbers = [r["number"] for r in client.get("/api/supervision/sampling/").json()["results"]]
    assert numbers == [mine.number]
    assert client.get(f"/api/supervision/sampling/{theirs.pk}/").status_code == 404
    assert client.post("/api/supervision/sampling/", {"number": "X"}).status_code == 405


def test_metric_values_create_update_with_version(cast, api):
    form = metric_form()
    metric = form.metrics.get(code="mclz_done")
    client = api(cast.town_liaison)
    created = client.post(
        "/api/supervision/metric-values/",
        {"metric": metric.pk, "region": cast.town.pk, "period": "2024-Q1", "value": "5"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    stale = client.patch(f"/api/supervision/metric-values/{pk}/", {"value": "6", "version": 0}, format="json")
    assert stale.status_code == 409
    ok = client.patch(f"/api/supervision/metric-values/{pk}/", {"value": "6", "version": 1}, format="json")
    assert ok.status_code == 200 and MetricValue.objects.get().value == 6
    other = client.post(
        "/api/supervision/metric-values/",
        {"metric": metric.pk, "region": cast.town2.pk, "period": "2024-Q1", "value": "5"},
        format="json",
    )
    assert other.status_code == 403
    monthly = api(cast.office_user).post(
        "/api/supervision/metric-values/",
        {"metric": metric.pk, "region": cast.town2.pk, "period": "2024-05", "value": "5"},
        format="json",
    )
    assert monthly.status_code == 400


def test_leader_cannot_write_definitions(cast, api):
    body = {
        "code": "x",
        "name": "x",
        "formula": "total",
        "numerator": {"source": "cases"},
        "period_kind": "year",
    }
    assert api(cast.leader).post("/api/supervision/indicators/", body, format="json").status_code == 403
    created = api(cast.office_user).post("/api/supervision/indicators/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["owner_region"] == cast.county.pk
