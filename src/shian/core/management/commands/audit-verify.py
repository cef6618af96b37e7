"""`shian audit-verify`: recompute the audit log's hash chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from shian.core.auditchain import seal_pending, verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链；发现被修改或删除的记录时报告第一处断点并以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="不先封存尚未入链的新记录")

    def handle(self, no_seal=False, **options):
        sealed = 0 if no_seal else seal_pending()
        report = verify_chain()
        if sealed:
            self.stdout.write(f"新封存入链 {sealed} 条")
        if not report.ok:
            raise CommandError(
                f"审计日志哈希链断裂：链序号 {report.broken_seq}（记录ID {report.broken_id}）："
                f"{report.reason}。此前 {report.checked} 条校验通过。"
            )
        msg = f"审计日志哈希链完整：已校验 {report.checked} 条"
        if report.unsealed:
            msg += f"，另有 {report.unsealed} 条尚未入链"
        self.stdout.write(self.style.SUCCESS(msg))
