"""消息中心, 我的待办, channel settings and 催报 over the API."""

import datetime

from django.utils import timezone

from shian.dispatch.services import open_round
from shian.notifications.choices import Event
from shian.notifications.hooks import notify_event
from shian.notifications.models import Notification, Preference, Reminder


def _message(cast, on_commit, occasion="1"):
    with on_commit():
        notify_event(
            Event.TASK_DUE,
            cast.edu_task,
            units=[cast.edu],
            campaign=cast.campaign,
            title="任务到期",
            occasion=occasion,
        )
    return Notification.objects.filter(recipient=cast.edu_liaison).latest("id")


def test_my_messages_only_with_unread_count_and_mark_read(cast, api, on_commit):
    n = _message(cast, on_commit)
    client = api(cast.edu_liaison)
    data = client.get("/api/notifications/").json()
    assert [r["id"] for r in data["results"]] == [n.pk] and data["results"][0][
        "event_label"
    ] == "任务即将到期"
    assert client.get("/api/notifications/unread/").json() == {"unread": 1}
    assert client.post(f"/api/notifications/{n.pk}/read/").json()["is_read"] is True
    assert client.get("/api/notifications/?read=unread").json()["count"] == 0
    for other in (cast.market_liaison, cast.office_user, cast.other_liaison, cast.admin):
        c = api(other)
        assert c.get(f"/api/notifications/{n.pk}/").status_code == 404
        assert c.post(f"/api/notifications/{n.pk}/read/").status_code == 404
        assert c.get("/api/notifications/").json()["count"] == 0


def test_read_all_for_a_read_only_role(cast, api, on_commit):
    with on_commit():
        notify_event(
            Event.ROUND_MISSED, cast.campaign, users=[cast.leader], campaign=cast.campaign, title="未报送"
        )
    assert api(cast.leader).post("/api/notifications/read-all/").json() == {"marked": 1}


def test_todo_is_the_same_list_as_the_home_page(cast, api):
    data = api(cast.market_liaison).get("/api/todo/").json()
    tasks = next(i for i in data if i["key"] == "tasks")
    assert tasks["count"] == 1 and "逾期1项" in tasks["detail"] and tasks["url"] == "/tasks/"
    office = {i["key"]: i["count"] for i in api(cast.office_user).get("/api/todo/").json()}
    assert office["overdue_tasks"] == 1
    other = {i["key"]: i["count"] for i in api(cast.other_office_user).get("/api/todo/").json()}
    assert other["overdue_tasks"] == 0


def test_settings_read_and_change(cast, api):
    client = api(cast.edu_liaison)
    assert client.get("/api/notification-settings/").json()["immediate_events"] == [
        "material_returned",
        "summons_scheduled",
    ]
    r = client.put(
        "/api/notification-settings/update/",
        {"email_enabled": False, "sms_enabled": True, "immediate_events": ["round_due"]},
        format="json",
    )
    assert r.status_code == 200
    assert Preference.objects.get(user=cast.edu_liaison).immediate_events == ["round_due"]
    assert (
        client.put(
            "/api/notification-settings/update/",
            {"email_enabled": True, "sms_enabled": True, "immediate_events": ["nope"]},
            format="json",
        ).status_code
        == 400
    )


def test_urge_a_round_over_the_api(cast, api, on_commit):
    rnd = open_round(
        cast.campaign,
        "monthly",
        "5月调度",
        timezone.now() + datetime.timedelta(days=3),
        units=[cast.edu, cast.market],
        actor=cast.office_user,
    )
    with on_commit():
        r = api(cast.office_user).post(
            "/api/reminders/round/", {"round": rnd.pk, "units": [cast.edu.pk]}, format="json"
        )
    assert r.status_code == 201 and [x["unit_name"] for x in r.json()] == ["三台县教育局"]
    assert api(cast.edu_liaison).get("/api/reminders/").json()["count"] == 1
    assert api(cast.market_liaison).get("/api/reminders/").json()["count"] == 0
    assert (
        api(cast.other_office_user)
        .post("/api/reminders/round/", {"round": rnd.pk}, format="json")
        .status_code
        == 404
    )
    assert api(cast.edu_liaison).post(
        "/api/reminders/round/", {"round": rnd.pk}, format="json"
    ).status_code in (403, 404)
    assert Reminder.objects.count() == 1
