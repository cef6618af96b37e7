"""`shian escalate-problems`: raise overdue problems to reminder / warning / 约谈 (safe to run daily)."""

from django.core.management.base import BaseCommand

from shian.core.audit import actor_context
from shian.rectification.services import escalate_problems


class Command(BaseCommand):
    help = "逾期整改问题升级：催办提醒 → 通报预警 → 约谈（可重复运行，不会重复升级）"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="只处理该创建项目（ID）")
        parser.add_argument("--date", help="按该日期计算逾期（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **opts):
        import datetime

        from shian.campaigns.models import Campaign

        campaign = Campaign.objects.get(pk=opts["campaign"]) if opts.get("campaign") else None
        today = datetime.date.fromisoformat(opts["date"]) if opts.get("date") else None
        with actor_context(None):
            counts = escalate_problems(campaign=campaign, today=today)
        self.stdout.write(
            f"催办提醒 {counts['reminder']} 个，通报预警 {counts['warning']} 个，约谈 {counts['interview']} 个"
        )
