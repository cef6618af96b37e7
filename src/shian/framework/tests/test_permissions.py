"""Criteria are public to read; only the office of the framework's region (and administrators) change
them — on pages, through the API and through services. Tried from the other county and from a liaison."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shian.framework.models import Framework
from shian.framework.tests import sheets


def edit_urls(cast):
    fw = cast.framework
    cat = fw.categories.first()
    ind = cat.indicators.first()
    item = cast.items[0]
    gate = fw.gates.first()
    return [
        reverse("framework:framework_edit", args=[fw.pk]),
        reverse("framework:framework_delete", args=[fw.pk]),
        reverse("framework:gates_edit", args=[fw.pk]),
        reverse("framework:category_add", args=[fw.pk]),
        reverse("framework:category_edit", args=[cat.pk]),
        reverse("framework:category_delete", args=[cat.pk]),
        reverse("framework:indicator_add", args=[cat.pk]),
        reverse("framework:indicator_edit", args=[ind.pk]),
        reverse("framework:item_add", args=[ind.pk]),
        reverse("framework:item_edit", args=[item.pk]),
        reverse("framework:item_delete", args=[item.pk]),
        reverse("framework:gate_delete", args=[gate.pk]),
    ]


@pytest.mark.parametrize("who", ["other_office_user", "edu_liaison", "leader", "expert"])
def test_others_cannot_open_or_post_edit_pages(cast, login, who):
    client = login(getattr(cast, who))
    for url in edit_urls(cast):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"name": "改名"}).status_code in (403, 404), url
    assert Framework.objects.get(pk=cast.framework.pk).name == "测试评价细则"
    assert cast.framework.categories.count() == 3 and cast.framework.gates.count() == 2


def test_the_office_of_the_region_can_open_every_edit_page(cast, login):
    client = login(cast.office_user)
    for url in edit_urls(cast):
        assert client.get(url).status_code == 200, url


def test_the_county_reads_its_framework_but_only_the_owner_office_sees_edit_buttons(cast, login):
    url = cast.framework.get_absolute_url()
    own = login(cast.office_user).get(url)
    assert own.context["can_edit"] is True
    for user in (cast.edu_liaison, cast.town_liaison, cast.leader):
        response = login(user).get(url)
        assert response.status_code == 200 and response.context["can_edit"] is False
        assert reverse("framework:framework_edit", args=[cast.framework.pk]) not in response.content.decode()
    # Another county's own framework (with its unit assignments) is not theirs to read.
    for user in (cast.other_office_user, cast.other_liaison, cast.expert):
        assert login(user).get(url).status_code == 404


def test_global_and_ancestor_frameworks_are_readable_by_all_below(cast, login):
    cast.other_framework.owner_region = cast.city
    cast.other_framework.save()
    for user in (cast.office_user, cast.edu_liaison, cast.town_liaison, cast.other_office_user):
        assert login(user).get(cast.other_framework.get_absolute_url()).status_code == 200


def test_the_api_refuses_changes_from_outside(cast, api):
    item = cast.items[0]
    for user, expected, readable in (
        (cast.other_office_user, 404, False),
        (cast.edu_liaison, 404, True),
        (cast.leader, 403, True),
    ):
        r = api(user).patch(
            f"/api/scoring-items/{item.pk}/", {"points": "1", "version": item.version}, format="json"
        )
        assert r.status_code == expected, user
        assert api(user).get(f"/api/scoring-items/{item.pk}/").status_code == (200 if readable else 404)
    item.refresh_from_db()
    assert str(item.points) == "4.00"


def test_only_offices_import_and_only_into_their_region(cast, api, login):
    upload = lambda: SimpleUploadedFile("a.xlsx", sheets.wps_xlsx())  # noqa: E731
    assert (
        api(cast.edu_liaison)
        .post("/api/frameworks/import/", {"file": upload()}, format="multipart")
        .status_code
        == 403
    )
    r = api(cast.other_office_user).post(
        "/api/frameworks/import/", {"file": upload(), "region": "510722"}, format="multipart"
    )
    assert r.status_code == 403
    assert login(cast.edu_liaison).get(reverse("framework:framework_import")).status_code == 403
    r = login(cast.other_office_user).post(
        reverse("framework:framework_import"), {"file": upload(), "owner_region": cast.county.pk}
    )
    assert r.status_code == 400 and "owner_region" in r.context["form"].errors
    assert not Framework.objects.filter(name=sheets.TITLE).exists()


def test_an_import_token_belongs_to_the_session_that_uploaded(cast, client, login):
    office = login(cast.office_user)
    r = office.post(
        reverse("framework:framework_import"),
        {"file": SimpleUploadedFile("a.xlsx", sheets.wps_xlsx()), "owner_region": cast.county.pk},
    )
    preview_url = r["Location"]
    from django.test import Client

    other = Client()
    other.force_login(cast.other_office_user)
    assert other.get(preview_url).status_code == 404
    assert other.post(preview_url, {"confirm": "1"}).status_code == 404
