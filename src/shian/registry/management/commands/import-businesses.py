from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.core.audit import actor_context
from shian.registry.importer import import_businesses


class Command(BaseCommand):
    help = "导入主体库（xlsx/xls/csv）：按统一社会信用代码或许可证编号新增或更新，全部正确才导入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx、xls 或 csv 文件")

    def handle(self, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        with actor_context(None):
            result = import_businesses(str(path), actor=None, filename=path.name)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            self.stdout.write(f"读取 {result.rows_read} 行，新增 0 个，更新 0 个，拒绝 {result.rejected} 行")
            raise CommandError(f"共 {len(result.errors)} 处错误，未导入任何数据")
        self.stdout.write(result.summary())
