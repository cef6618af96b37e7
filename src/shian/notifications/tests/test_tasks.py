"""Scheduling: Celery beat in production, the in-process thread of `shian run`, never under tests."""

from shian.notifications.scheduler import start_scheduler


def test_beat_schedules_the_reminder_pass_and_deliveries():
    from shian.celery_app import app
    from shian.notifications import tasks  # noqa: F401 — registers the shared tasks

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert names == {"shian.notifications.remind", "shian.notifications.deliver_due"}
    assert names <= set(app.tasks)


def test_the_in_process_scheduler_never_starts_under_tests():
    assert start_scheduler() is None


def test_the_celery_remind_task_runs_one_pass(cast):
    from shian.notifications.models import Notification
    from shian.notifications.tasks import remind_task

    result = remind_task.run()
    assert result["inapp"] == Notification.objects.count() == 1  # the overdue 市场监管局 task
    assert remind_task.run()["inapp"] == 0
