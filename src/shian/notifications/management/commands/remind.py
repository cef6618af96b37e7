"""`shian remind`: one reminder pass by hand — reminders due, escalations, today's digests not yet sent."""

from django.core.management.base import BaseCommand

from shian.core.audit import actor_context


class Command(BaseCommand):
    help = "运行一次提醒：到期/逾期提醒、逾期问题升级、当日待办汇总，并按渠道打印发送情况（可重复运行，不会重复发送）"

    def handle(self, *args, **options):
        from shian.notifications.reminders import describe, run_pass

        with actor_context(None):
            result = run_pass()
        self.stdout.write(describe(result))
