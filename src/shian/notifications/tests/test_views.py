"""消息中心 pages, the bell, 我的待办 on the home page, 催报 on the round page and 催办 on filtered lists."""

import datetime

from django.urls import reverse
from django.utils import timezone

from shian.dispatch.services import open_round, save_report
from shian.evidence.services import return_material
from shian.notifications.choices import Event
from shian.notifications.hooks import notify_event
from shian.notifications.models import Notification, Preference, Reminder


def _messages(cast, on_commit, n=3):
    with on_commit():
        for i in range(n):
            notify_event(
                Event.TASK_OVERDUE if i % 2 else Event.TASK_DUE,
                cast.edu_task,
                units=[cast.edu],
                campaign=cast.campaign,
                title=f"消息{i}",
                occasion=str(i),
            )


def test_the_bell_shows_the_unread_count(cast, login, on_commit):
    client = login(cast.edu_liaison)
    assert "data-unread" not in client.get(reverse("notifications:bell")).content.decode()
    _messages(cast, on_commit)
    html = client.get(reverse("notifications:bell")).content.decode()
    assert 'data-unread="3"' in html
    # every page carries the bell that loads it
    assert 'hx-get="/notifications/bell/"' in client.get(reverse("workplan:task_list")).content.decode()


def test_the_bell_costs_two_queries_beyond_the_session(cast, login, on_commit, django_assert_max_num_queries):
    _messages(cast, on_commit)
    client = login(cast.edu_liaison)
    with django_assert_max_num_queries(4):  # session, user, count, the latest unread for the dropdown
        client.get(reverse("notifications:bell"))


def test_the_list_filters_by_kind_and_read_state(cast, login, on_commit, django_assert_max_num_queries):
    _messages(cast, on_commit, n=6)
    Notification.objects.filter(title="消息0").update(read_at=timezone.now())
    client = login(cast.edu_liaison)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("notifications:list")).content.decode()
    assert "消息5" in html and "全部标为已读（5）" in html
    html = client.get(reverse("notifications:list"), {"event": Event.TASK_OVERDUE}).content.decode()
    assert "消息1" in html and "消息0" not in html
    html = client.get(reverse("notifications:list"), {"read": "unread"}).content.decode()
    assert "消息0" not in html and "消息2" in html


def test_opening_a_message_marks_it_read_and_goes_to_its_object(cast, login, material, on_commit):
    with on_commit():
        return_material(material, "缺页", actor=cast.office_user, expected_version=material.version)
    n = Notification.objects.get(recipient=cast.edu_liaison)
    client = login(cast.edu_liaison)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response.url == material.get_absolute_url()
    n.refresh_from_db()
    assert n.read_at is not None
    assert client.get(response.url).status_code == 200


def test_nobody_opens_or_marks_another_persons_message(cast, login, on_commit):
    _messages(cast, on_commit, n=1)
    n = Notification.objects.get(recipient=cast.edu_liaison)
    for other in (
        cast.edu_head.__class__.objects.get(pk=cast.market_liaison.pk),
        cast.office_user,
        cast.admin,
        cast.other_liaison,
    ):
        client = login(other)
        assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
        assert client.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404
        assert "消息0" not in client.get(reverse("notifications:list")).content.decode()
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_my_messages(cast, login, on_commit):
    _messages(cast, on_commit)
    client = login(cast.edu_liaison)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=cast.edu_liaison, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.edu_head, read_at__isnull=True).count() == 3


def test_an_outside_link_is_never_followed(cast, login):
    n = Notification.objects.create(
        recipient=cast.edu_liaison, event="other", title="x", url="https://evil.example/", key="k1"
    )
    response = login(cast.edu_liaison).get(reverse("notifications:open", args=[n.pk]))
    assert response.url == reverse("notifications:list")


def test_preferences_are_saved_for_myself(cast, login):
    client = login(cast.leader)  # read-only roles still choose their channels
    response = client.post(
        reverse("notifications:preferences"),
        {"email_enabled": "", "sms_enabled": "on", "immediate_events": [Event.ROUND_MISSED]},
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=cast.leader)
    assert (pref.email_enabled, pref.sms_enabled, pref.immediate_events) == (
        False,
        True,
        [Event.ROUND_MISSED],
    )
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "系统未配置邮件" in html


def test_home_page_lists_my_todo_with_counts_and_links(
    cast, login, material, on_commit, django_assert_max_num_queries
):
    with on_commit():
        return_material(material, "缺页", actor=cast.office_user, expected_version=material.version)
    open_round(
        cast.campaign,
        "monthly",
        "5月调度",
        timezone.now() + datetime.timedelta(days=3),
        units=[cast.edu],
        actor=cast.office_user,
    )
    client = login(cast.edu_liaison)
    with django_assert_max_num_queries(30):
        html = client.get("/").content.decode()
    assert 'data-todo="returned_materials"' in html and "被退回的材料" in html
    assert "待报送调度报告" in html and "/dispatch/reports/" in html
    office = login(cast.office_user).get("/").content.decode()
    assert "待审核材料" in office and "逾期任务" in office


def _open_round(cast):
    return open_round(
        cast.campaign,
        "monthly",
        "5月调度",
        timezone.now() + datetime.timedelta(days=3),
        units=[cast.edu, cast.market, cast.town_unit],
        actor=cast.office_user,
    )


def test_the_office_presses_urge_on_the_round_page_and_sees_who_was_reminded(cast, login, on_commit):
    rnd = _open_round(cast)
    report = rnd.reports.get(unit=cast.market)
    save_report(
        report,
        "本月已完成",
        "",
        "",
        [(cast.market_task, "in_progress", 50, "")],
        submit=True,
        actor=cast.market_liaison,
        expected_version=report.version,
    )
    client = login(cast.office_user)
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert 'id="urge-form"' in page and 'name="units"' in page
    with on_commit():
        response = client.post(reverse("notifications:urge_round", args=[rnd.pk]), {"note": "请今天报送"})
    assert response.status_code == 302
    reminded = sorted(r.unit.short_name for r in Reminder.objects.filter(round=rnd))
    assert reminded == ["教育局", "潼川镇"]  # not 市场监管局, which has reported
    n = Notification.objects.get(event=Event.ROUND_URGED, recipient=cast.edu_liaison)
    assert "截止时间" in n.body and "请今天报送" in n.body and n.url.endswith("/edit/")
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert 'id="round-reminders"' in page and "教育局" in page
    # only the ticked unit
    with on_commit():
        client.post(reverse("notifications:urge_round", args=[rnd.pk]), {"units": [cast.town_unit.pk]})
    assert Reminder.objects.filter(round=rnd, unit=cast.town_unit).count() == 2
    assert Reminder.objects.filter(round=rnd, unit=cast.edu).count() == 1


def test_a_unit_sees_only_its_own_reminders_and_no_urge_button(cast, login, on_commit):
    rnd = _open_round(cast)
    with on_commit():
        login(cast.office_user).post(reverse("notifications:urge_round", args=[rnd.pk]))
    page = login(cast.edu_liaison).get(rnd.get_absolute_url()).content.decode()
    assert 'id="urge-form"' not in page and "潼川镇" not in page.split('id="round-reminders"')[1]


def test_urge_on_the_filtered_task_list(cast, login, on_commit):
    client = login(cast.office_user)
    assert "催办筛选结果" in client.get(reverse("workplan:task_list")).content.decode()
    with on_commit():
        response = client.post(
            reverse("notifications:urge_tasks") + "?status=overdue", {"note": "本周内完成"}
        )
    assert response.url == reverse("workplan:task_list") + "?status=overdue"
    assert [r.object_id for r in Reminder.objects.all()] == [str(cast.market_task.pk)]
    n = Notification.objects.get(event=Event.TASK_URGED, recipient=cast.market_liaison)
    assert (
        "完成年度抽检任务" in n.body and "已逾期" in n.body and n.url == cast.market_task.get_absolute_url()
    )
    assert not Notification.objects.filter(event=Event.TASK_URGED, recipient=cast.edu_liaison).exists()


def test_urge_on_the_filtered_problem_list(cast, login, on_commit):
    from shian.rectification.services import create_problem

    today = timezone.localdate()
    create_problem(
        cast.campaign,
        actor=cast.office_user,
        description="后厨卫生",
        unit=cast.edu,
        deadline=today + datetime.timedelta(days=5),
    )
    create_problem(
        cast.campaign,
        actor=cast.office_user,
        description="台账缺失",
        unit=cast.market,
        deadline=today + datetime.timedelta(days=5),
    )
    with on_commit():
        login(cast.office_user).post(reverse("notifications:urge_problems") + f"?unit={cast.edu.pk}")
    assert [r.unit for r in Reminder.objects.all()] == [cast.edu]
    assert Notification.objects.filter(event=Event.PROBLEM_URGED, recipient=cast.edu_liaison).exists()


def test_the_delivery_log_is_for_administrators(cast, login):
    assert login(cast.admin).get(reverse("notifications:delivery_list")).status_code == 200
    assert login(cast.office_user).get(reverse("notifications:delivery_list")).status_code == 403


def test_the_office_configures_and_tests_a_unit_robot(cast, login, http_server):
    from shian.notifications.models import RobotHook

    client = login(cast.office_user)
    url = http_server.url("/cgi-bin/webhook/send?key=k")
    response = client.post(
        reverse("notifications:robot_add"),
        {"name": "教育局工作群", "kind": "wecom", "url": url, "unit": cast.edu.pk, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    hook = RobotHook.objects.get()
    assert "教育局工作群" in client.get(reverse("notifications:robot_list")).content.decode()
    client.post(reverse("notifications:robot_test", args=[hook.pk]))
    assert http_server.calls[0]["json"]["markdown"]["content"].startswith("**食安创城测试消息**")
    # the other county neither sees nor tests it; a unit may not manage robots
    other = login(cast.other_office_user)
    assert other.get(reverse("notifications:robot_edit", args=[hook.pk])).status_code == 404
    assert other.post(reverse("notifications:robot_test", args=[hook.pk])).status_code == 404
    assert login(cast.edu_liaison).get(reverse("notifications:robot_list")).status_code == 403
    assert len(http_server.calls) == 1


def test_a_robot_url_outside_the_robot_hosts_is_refused_with_a_clear_message(cast, login):
    response = login(cast.office_user).post(
        reverse("notifications:robot_add"),
        {"name": "内网", "kind": "wecom", "url": "http://10.0.0.5/hook", "unit": cast.edu.pk},
    )
    assert response.status_code == 400 and "不是企业微信或钉钉机器人的地址" in response.content.decode()
    response = login(cast.office_user).post(
        reverse("notifications:robot_add"),
        {"name": "外县", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/x", "unit": cast.other_edu.pk},
    )
    assert response.status_code == 400
