"""`shian sweep-jobs`: mark background jobs and imports whose process died as failed (cron, every few minutes)."""

from django.core.management.base import BaseCommand

from shian.core.auditchain import seal_pending
from shian.core.jobs import sweep_dead_jobs


class Command(BaseCommand):
    help = "把进程已中断的后台任务和导入标记为失败，并封存尚未入链的审计日志（可每 5 分钟由 cron 运行）"

    def handle(self, **options):
        swept = sweep_dead_jobs()
        sealed = seal_pending()
        self.stdout.write(f"中断任务 {swept} 个已标记为失败；审计日志新入链 {sealed} 条")
