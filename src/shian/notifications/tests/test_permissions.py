"""Scope: 催报 / 催办 reach only the office's own campaign; hooks and logs stay with those who may see them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from shian.dispatch.services import open_round
from shian.notifications.models import Notification, Reminder, RobotHook
from shian.notifications.services import urge_round, urge_tasks
from shian.workplan.models import Task


@pytest.fixture
def rnd(cast):
    return open_round(
        cast.campaign,
        "monthly",
        "5月调度",
        timezone.now() + datetime.timedelta(days=3),
        units=[cast.edu, cast.market],
        actor=cast.office_user,
    )


def test_the_other_county_cannot_urge_our_round(cast, rnd, login):
    client = login(cast.other_office_user)
    assert client.post(reverse("notifications:urge_round", args=[rnd.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        urge_round(rnd, actor=cast.other_office_user)
    assert not Reminder.objects.exists()


def test_units_and_leaders_cannot_urge(cast, rnd, login):
    for user in (cast.edu_liaison, cast.leader):
        assert login(user).post(reverse("notifications:urge_round", args=[rnd.pk])).status_code in (403, 404)
        assert login(user).post(reverse("notifications:urge_tasks")).status_code in (302, 403)
    assert not Reminder.objects.exists() and not Notification.objects.filter(event="task_urged").exists()


def test_a_chosen_unit_outside_the_round_is_refused_by_name(cast, rnd):
    with pytest.raises(ValidationError, match="盐亭县教育局"):
        urge_round(rnd, actor=cast.office_user, units=[cast.other_edu])
    with pytest.raises(ValidationError, match="潼川镇"):
        urge_round(rnd, actor=cast.office_user, units=[cast.town_unit])


def test_urging_tasks_never_reaches_the_other_county(cast, login, on_commit):
    with on_commit():
        login(cast.office_user).post(reverse("notifications:urge_tasks"))
    units = {r.unit_id for r in Reminder.objects.all()}
    assert units == {cast.edu.pk, cast.market.pk}
    assert not Notification.objects.filter(recipient=cast.other_liaison).exists()
    # the service refuses a list that holds another office's task
    with pytest.raises(PermissionDenied):
        urge_tasks(Task.objects.filter(pk=cast.other_task.pk), actor=cast.office_user)


def test_the_other_countys_filter_selects_nothing_of_ours(cast, login, on_commit):
    with on_commit():
        login(cast.other_office_user).post(
            reverse("notifications:urge_tasks") + f"?campaign={cast.campaign.pk}"
        )
    assert not Reminder.objects.filter(campaign=cast.campaign).exists()


def test_robot_hooks_are_scoped_to_the_office_region(cast):
    ours = RobotHook.objects.create(
        name="教育局群", kind="wecom", url="https://qyapi.weixin.qq.com/x", unit=cast.edu
    )
    theirs = RobotHook.objects.create(
        name="盐亭群", kind="wecom", url="https://qyapi.weixin.qq.com/y", campaign=cast.other_campaign
    )
    assert list(RobotHook.objects.restrict(cast.office_user)) == [ours]
    assert list(RobotHook.objects.restrict(cast.other_office_user)) == [theirs]
    assert not RobotHook.objects.restrict(cast.edu_liaison).exists()
    assert not RobotHook.objects.restrict(cast.leader, "change").exists()
    assert ours.region == cast.county and theirs.region == cast.other_county


def test_a_hook_belongs_to_a_unit_or_a_campaign(cast):
    hook = RobotHook(
        name="两者皆有",
        kind="wecom",
        url="https://qyapi.weixin.qq.com/x",
        unit=cast.edu,
        campaign=cast.campaign,
    )
    with pytest.raises(ValidationError, match="二选一"):
        hook.full_clean()
