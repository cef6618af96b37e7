"""Keys, scope and settings the models enforce."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from shian.notifications.models import Notification


def test_the_same_key_cannot_be_stored_twice(cast):
    Notification.objects.create(recipient=cast.edu_liaison, event="task_due", title="a", key="k")
    with pytest.raises(IntegrityError):
        Notification.objects.create(recipient=cast.edu_liaison, event="task_due", title="b", key="k")


def test_each_person_reaches_only_their_own_messages(cast):
    mine = Notification.objects.create(recipient=cast.edu_liaison, event="task_due", title="a", key="k1")
    Notification.objects.create(recipient=cast.edu_head, event="task_due", title="b", key="k2")
    assert list(Notification.objects.restrict(cast.edu_liaison)) == [mine]
    assert not Notification.objects.restrict(cast.office_user).exists()
    assert not Notification.objects.mine(cast.admin).exists()  # the administrator's inbox is their own too


def test_the_campaign_form_keeps_the_notification_settings(cast, login):
    client = login(cast.office_user)
    c = cast.campaign
    data = {
        "name": c.name,
        "region": c.region_id,
        "level": c.level,
        "framework": c.framework_id,
        "office": c.office_id,
        "status": c.status,
        "edit_version": c.version,
        "remind_days_before": 5,
        "quiet_start": "21:30",
        "quiet_end": "07:30",
        "ms-TOTAL_FORMS": "0",
        "ms-INITIAL_FORMS": "0",
        "ms-MIN_NUM_FORMS": "0",
        "ms-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("campaigns:campaign_edit", args=[c.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    c.refresh_from_db()
    assert (c.remind_days_before, c.quiet_start, c.quiet_end) == (
        5,
        datetime.time(21, 30),
        datetime.time(7, 30),
    )


def test_a_robots_signing_secret_stays_out_of_the_audit_log(cast):
    from shian.core.models import AuditLog
    from shian.notifications.models import RobotHook

    hook = RobotHook.objects.create(
        name="钉钉群",
        kind="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=t",
        secret="SECtopsecret",
        unit=cast.edu,
    )
    entry = AuditLog.objects.get(object_id=str(hook.pk), action="create", object_repr="钉钉群")
    assert "secret" not in entry.after and entry.after["name"] == "钉钉群"
