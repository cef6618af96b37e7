from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.core.audit import actor_context
from shian.organisation import services


class ImportCommand(BaseCommand):
    kind = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx、xls 或 csv 文件")

    def handle(self, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        importer = services.import_regions if self.kind == "regions" else services.import_units
        with actor_context(None):
            result = importer(str(path), filename=path.name, actor=None)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"共 {len(result.errors)} 处错误，未导入任何数据")
        self.stdout.write(f"导入完成：新增 {result.created} 条，更新 {result.updated} 条")
