"""Who sees and changes 社会共治 rows: the office its county, leaders read, a township its township, the
other county nothing — through pages, exports and the API."""

import pytest

from shian.community import services
from shian.community.models import Activity, Poll, RewardReport
from shian.community.testing import make_activity, make_poll, make_report


@pytest.fixture
def rows(cast):
    return {
        "town": make_activity(cast.town, "潼川宣传"),
        "town2": make_activity(cast.town2, "芦溪宣传"),
        "other": make_activity(cast.other_county, "盐亭宣传"),
        "report": make_report(cast.town, "JB-T"),
        "other_report": make_report(cast.other_county, "JB-O"),
        "poll": make_poll(cast.county),
        "other_poll": make_poll(cast.other_county, title="盐亭你点我检"),
    }


def titles(user):
    return set(Activity.objects.restrict(user).values_list("title", flat=True))


def test_scope_by_role(cast, rows):
    assert titles(cast.office_user) == titles(cast.leader) == {"潼川宣传", "芦溪宣传"}
    assert titles(cast.town_liaison) == {"潼川宣传"}
    assert titles(cast.other_office_user) == {"盐亭宣传"}
    assert titles(cast.expert) == set()
    assert not Activity.objects.restrict(cast.leader, "change").exists()
    assert not Activity.objects.restrict(cast.town_liaison, "change").exists()
    assert set(RewardReport.objects.restrict(cast.other_office_user)) == {rows["other_report"]}
    assert set(Poll.objects.restrict(cast.other_office_user)) == {rows["other_poll"]}


def test_the_other_county_cannot_open_or_act_on_ours(cast, rows, login, api):
    client = login(cast.other_office_user)
    report, poll = rows["report"], rows["poll"]
    for url in (
        f"/community/activities/{rows['town'].pk}/",
        f"/community/reports/{report.pk}/",
        f"/community/polls/{poll.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/community/reports/{report.pk}/verify/", {"version": report.version}).status_code == 404
    )
    r = client.post(f"/community/polls/{poll.pk}/", {"action": "status", "status": "closed", "version": 1})
    assert r.status_code == 404
    export = client.get("/community/?export=xlsx")
    assert "潼川宣传".encode() not in b"".join(export.streaming_content)
    rest = api(cast.other_office_user)
    assert rest.get(f"/api/community/reward-reports/{report.pk}/").status_code == 404
    r = rest.post(
        f"/api/community/polls/{poll.pk}/status/", {"version": 1, "status": "closed"}, format="json"
    )
    assert r.status_code == 404
    poll.refresh_from_db()
    assert poll.status == "open"


def test_leaders_and_units_read_but_do_not_change(cast, rows, login, api):
    report = rows["report"]
    for user in (cast.leader, cast.town_liaison):
        client = login(user)
        assert client.get(f"/community/reports/{report.pk}/").status_code in (403, 404)
        client.post(f"/community/reports/{report.pk}/verify/", {"version": report.version})
        report.refresh_from_db()
        assert report.status == "received"
        r = api(user).post(
            f"/api/community/reward-reports/{report.pk}/verify/",
            {"version": report.version, "verified": True},
            format="json",
        )
        assert r.status_code in (403, 404)
    assert not services.can_manage(cast.leader, cast.county)
    assert services.can_manage(cast.office_user, cast.town)
