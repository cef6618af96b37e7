"""The demo has messages in the bell, addresses on a reserved domain, and no outside channel switched on."""


def test_demo_users_have_reserved_addresses_and_messages_waiting(
    db, client, django_capture_on_commit_callbacks
):
    from shian.core.demo import build_demo
    from shian.notifications.models import Delivery, Notification, RobotHook
    from shian.organisation.models import User

    with django_capture_on_commit_callbacks(execute=True):
        demo = build_demo()
    assert not User.objects.exclude(email__endswith="@anlan.example").exists()
    assert not Delivery.objects.exists()  # channels are off until configured
    assert not RobotHook.objects.filter(is_active=True).exists()
    m23 = demo["users"]["m23"]
    unread = Notification.objects.filter(recipient=m23, read_at__isnull=True)
    assert unread.exists() and not unread.filter(event="task_assigned").exists()
    client.force_login(m23)
    html = client.get("/notifications/bell/").content.decode()
    assert f'data-unread="{unread.count()}"' in html
    assert "我的待办" in client.get("/").content.decode()
