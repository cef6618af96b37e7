"""`shian restore FILE`: restore a backup into an empty installation, verifying every checksum."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shian.core.backup import BackupError, restore_backup, target_from_settings


class Command(BaseCommand):
    help = "把 shian backup 生成的备份恢复到全新（空）的安装：先校验全部校验值，再恢复数据库和文件"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件")

    def handle(self, file, **options):
        connections.close_all()  # SQLite: nothing of ours may hold the (empty) target file open
        try:
            report = restore_backup(file, target=target_from_settings(), storage=default_storage)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(self.style.SUCCESS(f"恢复完成：数据库 {report.database}，文件 {report.files} 个"))
        from shian.core.auditchain import verify_chain

        chain = verify_chain()
        if chain.ok:
            self.stdout.write(
                f"审计日志哈希链完整（{chain.checked} 条）。如程序版本更新，请再运行 shian migrate。"
            )
        else:
            self.stderr.write(f"警告：审计日志哈希链在链序号 {chain.broken_seq} 处断裂：{chain.reason}")
