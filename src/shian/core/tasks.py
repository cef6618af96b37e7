"""Celery entry point for jobs; the work itself lives in each app's registered job functions."""

from celery import shared_task


@shared_task(name="shian.run_job")
def run_job_task(job_id: int):
    from shian.core.jobs import run_job

    run_job(job_id)
