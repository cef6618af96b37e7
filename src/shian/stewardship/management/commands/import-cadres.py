from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.core.audit import actor_context
from shian.stewardship.importer import import_cadres


class Command(BaseCommand):
    help = "导入包保干部（xlsx/xls/csv）：按手机号（或姓名+所属区划）新增或更新，全部正确才导入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx、xls 或 csv 文件")

    def handle(self, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        with actor_context(None):
            result = import_cadres(str(path), actor=None, filename=path.name)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            self.stdout.write(f"读取 {result.rows_read} 行，新增 0 人，更新 0 人，拒绝 {result.rejected} 行")
            raise CommandError(f"共 {len(result.errors)} 处错误，未导入任何数据")
        self.stdout.write(result.summary())
