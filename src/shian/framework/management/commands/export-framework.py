from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.framework import exporting
from shian.framework.models import Framework


class Command(BaseCommand):
    help = "导出评价细则为 xlsx 或 YAML（按文件扩展名）"

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="细则编号")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx 或 .yaml）")

    def handle(self, id, output, **options):
        framework = Framework.objects.filter(pk=id).first()
        if framework is None:
            raise CommandError(f"编号为 {id} 的评价细则不存在")
        path = Path(output)
        ext = path.suffix.lower()
        if ext == ".xlsx":
            path.write_bytes(exporting.export_xlsx(framework))
        elif ext in (".yaml", ".yml"):
            path.write_text(exporting.export_yaml(framework), encoding="utf-8")
        else:
            raise CommandError("输出文件的扩展名应为 .xlsx、.yaml 或 .yml")
        self.stdout.write(f"已导出“{framework}”到 {path}")
