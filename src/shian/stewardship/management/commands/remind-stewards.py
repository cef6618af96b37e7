"""`shian remind-stewards`: remind cadres whose visits are overdue (once a week per cadre; safe to rerun)."""

import datetime

from django.core.management.base import BaseCommand

from shian.core.audit import actor_context
from shian.stewardship.services import remind_overdue


class Command(BaseCommand):
    help = "包保督导逾期提醒：逾期未督导的干部（及其单位）每周提醒一次，可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期计算逾期（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **opts):
        today = datetime.date.fromisoformat(opts["date"]) if opts.get("date") else None
        with actor_context(None):
            n = remind_overdue(today)
        self.stdout.write(f"已提醒逾期包保干部 {n} 人")
