import datetime

from django.utils import timezone

from shian.dispatch import services


def open_test_round(cast, days=3, opened_days_ago=1, units=None, title="2024年5月月调度"):
    now = timezone.now()
    return services.open_round(
        cast.campaign,
        "monthly",
        title,
        now + datetime.timedelta(days=days),
        "2024年5月",
        "请如实报送",
        units,
        actor=cast.office_user,
        opened_at=now - datetime.timedelta(days=opened_days_ago),
    )
