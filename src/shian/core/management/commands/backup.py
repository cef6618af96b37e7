"""`shian backup -o FILE`: database + every stored file + checksummed manifest, without stopping the server."""

from django.core.management.base import BaseCommand, CommandError

from shian.core.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "在线备份：数据库（SQLite 在线备份接口或 pg_dump）、全部上传文件和带校验值的清单，写入一个 tar 文件"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", required=True, help="备份文件路径，如 /backup/shian-20260101.tar"
        )

    def handle(self, output, **options):
        try:
            report = write_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{report.path}（数据库 {report.database}，文件 {report.files} 个，共 {report.bytes} 字节）"
            )
        )
