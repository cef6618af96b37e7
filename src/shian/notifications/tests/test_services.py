"""Events become messages once, after commit; outside channels follow each person's choices."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from shian.evidence.services import return_material
from shian.notifications.choices import Event
from shian.notifications.delivery import deliver_due
from shian.notifications.models import Delivery, Notification, Preference, RobotHook
from shian.notifications.services import in_quiet_hours, next_allowed, update_preferences
from shian.workplan.services import create_task, send_back_task


def test_a_returned_material_tells_the_units_people_once(cast, material, on_commit):
    with on_commit():
        return_material(material, "缺少盖章页", actor=cast.office_user, expected_version=material.version)
    got = Notification.objects.filter(event=Event.MATERIAL_RETURNED)
    assert sorted(n.recipient.username for n in got) == ["edu", "edu_head"]
    n = got.get(recipient=cast.edu_liaison)
    assert "缺少盖章页" in n.body and n.url == material.get_absolute_url() and n.campaign == cast.campaign
    # the same event on the same object and occasion again: nobody hears it twice
    from shian.evidence.services import _notify_material_returned

    with on_commit():
        _notify_material_returned(material, "缺少盖章页")
    assert Notification.objects.filter(event=Event.MATERIAL_RETURNED).count() == 2


def test_nothing_is_sent_when_the_change_is_rolled_back(cast, on_commit):
    with on_commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            create_task(cast.campaign, actor=cast.office_user, title="回滚的任务", unit=cast.edu)
            raise RuntimeError
    assert not Notification.objects.exists()


def test_task_assigned_and_sent_back_reach_the_unit(cast, on_commit):
    with on_commit():
        task = create_task(
            cast.campaign,
            actor=cast.office_user,
            title="建立学校食堂陪餐制度",
            unit=cast.market,
            deadline=timezone.localdate() + datetime.timedelta(days=20),
        )
    assert (
        Notification.objects.get(event=Event.TASK_ASSIGNED, recipient=cast.market_liaison).url
        == task.get_absolute_url()
    )
    task.status = "submitted"
    task.save()
    with on_commit():
        send_back_task(task, "佐证不全", actor=cast.office_user, expected_version=task.version)
    n = Notification.objects.get(event=Event.TASK_SENT_BACK)
    assert n.recipient == cast.market_liaison and "佐证不全" in n.body
    assert not Notification.objects.filter(recipient__unit=cast.other_edu).exists()


def test_returned_material_is_mailed_at_once_over_real_smtp(cast, material, smtp_server, on_commit):
    cast.edu_liaison.email = "zhang@anlan.example"
    cast.edu_liaison.save()
    with on_commit():
        return_material(material, "缺少盖章页", actor=cast.office_user, expected_version=material.version)
    assert [m["to"] for m in smtp_server.messages] == [["zhang@anlan.example"]]
    mail = smtp_server.messages[0]
    assert mail["subject"].startswith("材料被退回") and "缺少盖章页" in mail["body"]
    assert f"/evidence/{material.pk}/" in mail["body"]
    d = Delivery.objects.get()
    assert d.status == "sent" and d.attempts == 1


def test_other_events_wait_for_the_digest_unless_chosen(cast, smtp_server, on_commit):
    cast.market_liaison.email = "liu@anlan.example"
    cast.market_liaison.save()
    with on_commit():
        create_task(cast.campaign, actor=cast.office_user, title="默认不即时", unit=cast.market)
    assert smtp_server.messages == [] and not Delivery.objects.exists()
    update_preferences(
        cast.market_liaison,
        actor=cast.market_liaison,
        email_enabled=True,
        sms_enabled=False,
        immediate_events=[Event.TASK_ASSIGNED],
    )
    with on_commit():
        create_task(cast.campaign, actor=cast.office_user, title="选择了即时", unit=cast.market)
    assert [m["subject"] for m in smtp_server.messages] == ["新任务：选择了即时"]


def test_a_person_who_switched_email_off_gets_none(cast, material, smtp_server, on_commit):
    cast.edu_liaison.email = "zhang@anlan.example"
    cast.edu_liaison.save()
    Preference.objects.create(user=cast.edu_liaison, email_enabled=False)
    with on_commit():
        return_material(material, "缺页", actor=cast.office_user, expected_version=material.version)
    assert smtp_server.messages == []
    assert Notification.objects.filter(recipient=cast.edu_liaison).count() == 1  # in-app is always on


def test_quiet_hours_hold_outside_channels_until_they_end(cast, material, smtp_server, on_commit):
    c = cast.campaign
    c.quiet_start, c.quiet_end = datetime.time(22, 0), datetime.time(8, 0)
    late = timezone.make_aware(datetime.datetime(2026, 5, 6, 23, 30))
    early = timezone.make_aware(datetime.datetime(2026, 5, 7, 6, 0))
    noon = timezone.make_aware(datetime.datetime(2026, 5, 7, 12, 0))
    assert in_quiet_hours(c, late) and in_quiet_hours(c, early) and not in_quiet_hours(c, noon)
    assert timezone.localtime(next_allowed(c, late)) == timezone.make_aware(
        datetime.datetime(2026, 5, 7, 8, 0)
    )
    assert next_allowed(c, noon) == noon
    # a message raised now, inside quiet hours that cover the whole day, waits
    c.quiet_start, c.quiet_end = datetime.time(0, 0), datetime.time(23, 59)
    c.save()
    cast.edu_liaison.email = "zhang@anlan.example"
    cast.edu_liaison.save()
    with on_commit():
        return_material(material, "缺页", actor=cast.office_user, expected_version=material.version)
    d = Delivery.objects.get()
    assert smtp_server.messages == [] and d.status == "pending" and d.next_attempt_at > timezone.now()
    assert deliver_due(now=d.next_attempt_at)["sent"] == {"email": 1}


def test_a_failing_robot_is_retried_with_backoff_and_then_logged_as_failed(
    cast, http_server, settings, on_commit
):
    settings.SHIAN_NOTIFY_MAX_ATTEMPTS = 3
    RobotHook.objects.create(
        name="教育局工作群", kind="wecom", url=http_server.url("/cgi-bin/webhook/send?key=k1"), unit=cast.edu
    )
    http_server.fail_next = 5
    from shian.notifications.hooks import notify_event

    with on_commit():
        notify_event(
            Event.ROUND_URGED,
            cast.edu_task,
            units=[cast.edu],
            campaign=cast.campaign,
            title="催报",
            body="请报送",
        )
    d = Delivery.objects.get()
    assert d.status == "pending" and d.attempts == 1 and "HTTP 500" in d.last_error
    assert d.next_attempt_at > timezone.now()
    assert deliver_due()["sent"] == {}  # not due yet: backoff
    for _ in range(2):
        deliver_due(now=timezone.now() + datetime.timedelta(hours=3))
    d.refresh_from_db()
    assert d.status == "failed" and d.attempts == 3 and len(http_server.calls) == 3


def test_a_retry_succeeds_once_the_robot_answers(cast, http_server, on_commit):
    RobotHook.objects.create(
        name="教育局工作群", kind="wecom", url=http_server.url("/cgi-bin/webhook/send?key=k1"), unit=cast.edu
    )
    http_server.fail_next = 1
    from shian.notifications.hooks import notify_event

    with on_commit():
        notify_event(
            Event.ROUND_URGED,
            cast.edu_task,
            units=[cast.edu],
            campaign=cast.campaign,
            title="催报",
            body="请报送",
        )
    result = deliver_due(now=timezone.now() + datetime.timedelta(minutes=2))
    assert result["sent"] == {"wecom": 1}
    assert Delivery.objects.get().status == "sent"


def test_robot_refusal_errcode_counts_as_failure(cast, http_server, on_commit):
    http_server.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    RobotHook.objects.create(
        name="群", kind="wecom", url=http_server.url("/cgi-bin/webhook/send?key=bad"), unit=cast.edu
    )
    from shian.notifications.hooks import notify_event

    with on_commit():
        notify_event(Event.ROUND_URGED, cast.edu_task, units=[cast.edu], campaign=cast.campaign, title="催报")
    assert "93000" in Delivery.objects.get().last_error


def test_robot_hosts_outside_the_allow_list_are_never_called(cast, http_server, settings, on_commit):
    settings.SHIAN_ROBOT_ALLOWED_HOSTS = ["qyapi.weixin.qq.com"]
    RobotHook.objects.create(name="群", kind="wecom", url=http_server.url("/internal"), unit=cast.edu)
    from shian.notifications.hooks import notify_event

    with on_commit():
        notify_event(Event.ROUND_URGED, cast.edu_task, units=[cast.edu], campaign=cast.campaign, title="催报")
    assert http_server.calls == [] and "SHIAN_ROBOT_ALLOWED_HOSTS" in Delivery.objects.get().last_error
