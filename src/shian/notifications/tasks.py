"""Background work of notifications: the delivery job (core.jobs), and the periodic tasks Celery beat runs
in production (see `shian.celery_app.app.conf.beat_schedule`)."""

from celery import shared_task

from shian.core.jobs import job


@job("notifications.deliver")
def deliver_job(record):
    """Params: {"ids": [delivery ids]} — sends those that are due now (quiet hours wait for the scheduler)."""
    from shian.notifications.delivery import deliver_due

    return deliver_due(ids=record.params.get("ids"))


@shared_task(name="shian.notifications.remind")
def remind_task():
    """One reminder pass (reminders due, escalations, digests, deliveries); safe to run at any interval."""
    from shian.notifications.reminders import run_pass

    result = run_pass()
    return {"inapp": result["inapp"], "digests": result["digests"], "sent": result["sent"]}


@shared_task(name="shian.notifications.deliver_due")
def deliver_due_task():
    """Retries and deliveries held back by quiet hours."""
    from shian.notifications.delivery import deliver_due

    return deliver_due()
