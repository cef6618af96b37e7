"""Small helpers for task tests on top of the shared cast."""

import datetime

from django.utils import timezone

from shian.workplan.models import Task


def make_tasks(cast, n, unit=None, **fields):
    unit = unit or cast.edu
    today = timezone.localdate()
    tasks = [
        Task(
            campaign=cast.campaign,
            item=cast.items[1],
            unit=unit,
            title=f"批量任务{i:03d}",
            deadline=today + datetime.timedelta(days=i % 20 - 5),
            **fields,
        )
        for i in range(n)
    ]
    return Task.objects.bulk_create(tasks)
