"""Scope: the other county's records, metrics and definitions are unreachable (404/403)."""

import datetime

import pytest
from django.urls import reverse

from shian.supervision.models import MetricValue, SamplingRecord
from shian.supervision.tests.factories import indicator, metric_form, sample


@pytest.fixture
def data(cast):
    form = metric_form()
    metric = form.metrics.get(code="mclz_done")
    return {
        "county": sample(cast.county, datetime.date(2023, 1, 1), number="COUNTY"),
        "town": sample(cast.town, datetime.date(2023, 1, 1), number="TOWN"),
        "town2": sample(cast.town2, datetime.date(2023, 1, 1), number="TOWN2"),
        "other": sample(cast.other_county, datetime.date(2023, 1, 1), number="OTHER"),
        "mv_town": MetricValue.objects.create(metric=metric, region=cast.town, period="2023-Q1", value=1),
        "mv_other": MetricValue.objects.create(
            metric=metric, region=cast.other_county, period="2023-Q1", value=1
        ),
        "form": form,
    }


def visible(user):
    return set(SamplingRecord.objects.restrict(user).values_list("number", flat=True))


def test_scope_on_records(cast, data):
    assert visible(cast.admin) == {"COUNTY", "TOWN", "TOWN2", "OTHER"}
    assert visible(cast.office_user) == visible(cast.leader) == {"COUNTY", "TOWN", "TOWN2"}
    assert visible(cast.edu_liaison) == {"COUNTY", "TOWN", "TOWN2"}  # member unit: the county, read-only
    assert visible(cast.town_liaison) == {"TOWN"}
    assert visible(cast.other_liaison) == {"OTHER"}
    assert visible(cast.expert) == set()
    assert SamplingRecord.objects.restrict(cast.edu_liaison, "change").count() == 0
    assert SamplingRecord.objects.restrict(cast.leader, "change").count() == 0


def test_scope_on_metric_values(cast, data):
    assert set(MetricValue.objects.restrict(cast.office_user)) == {data["mv_town"]}
    assert set(MetricValue.objects.restrict(cast.town_liaison, "change")) == {data["mv_town"]}
    assert set(MetricValue.objects.restrict(cast.edu_liaison, "change")) == set()
    assert set(MetricValue.objects.restrict(cast.other_office_user, "change")) == {data["mv_other"]}


def test_other_countys_objects_by_url_and_api(cast, data, login, api):
    client = login(cast.office_user)
    assert client.get(reverse("supervision:sampling_detail", args=[data["other"].pk])).status_code == 404
    assert client.get(reverse("supervision:sampling_detail", args=[data["town"].pk])).status_code == 200
    html = client.get(reverse("supervision:sampling_list")).content.decode()
    assert "TOWN2" in html and "OTHER" not in html
    defn = indicator()
    assert (
        client.get(
            reverse("supervision:indicator_detail", args=[defn.pk]), {"region": cast.other_county.pk}
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("supervision:indicator_chart", args=[defn.pk]), {"region": cast.other_county.pk}
        ).status_code
        == 404
    )
    town = login(cast.town_liaison)
    assert town.get(reverse("supervision:sampling_detail", args=[data["town2"].pk])).status_code == 404
    assert town.get(reverse("supervision:import_add")).status_code == 403
    assert town.get(reverse("supervision:indicator_add")).status_code == 403
    exported = town.get(reverse("supervision:sampling_list"), {"export": "xlsx"})
    content = b"".join(exported.streaming_content)
    assert b"TOWN2" not in content
    other_api = api(cast.other_liaison)
    assert other_api.get(f"/api/supervision/metric-values/{data['mv_town'].pk}/").status_code == 404
    assert (
        other_api.patch(
            f"/api/supervision/metric-values/{data['mv_town'].pk}/", {"value": 9, "version": 1}, format="json"
        ).status_code
        == 404
    )
    assert (
        api(cast.leader)
        .patch(
            f"/api/supervision/metric-values/{data['mv_town'].pk}/", {"value": 9, "version": 1}, format="json"
        )
        .status_code
        == 403
    )
    assert api(cast.expert).get("/api/supervision/sampling/").json()["count"] == 0


def test_metric_entry_page_is_refused_to_readers(cast, data, login):
    url = reverse("supervision:metric_entry", args=[data["form"].pk])
    assert login(cast.leader).get(url).status_code == 403
    assert login(cast.expert).get(url).status_code == 404
