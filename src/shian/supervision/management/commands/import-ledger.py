from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shian.core.audit import actor_context
from shian.supervision.services import import_ledger_file


class Command(BaseCommand):
    help = "导入监管台账（KIND：sampling 抽检、complaints 投诉举报、cases 执法案件）；有任何错误则不导入并在文件旁写错误报告"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="sampling、complaints 或 cases")
        parser.add_argument("file", help="xlsx、xls 或 csv 文件（UTF-8 或 GBK）")
        parser.add_argument("--mapping", default=None, help="已保存的列对应名称")

    def handle(self, kind, file, mapping=None, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            with actor_context(None):
                result = import_ledger_file(kind, str(path), mapping=mapping)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        self.stdout.write(
            f"读取 {result.rows_read} 行，新增 {result.created} 行，更新 {result.updated} 行，"
            f"拒绝 {result.rejected} 行"
        )
        if not result.ok:
            for error in result.errors[:20]:
                self.stderr.write(str(error))
            raise CommandError(
                f"有 {result.rejected or len(result.errors)} 行被拒绝，未导入任何数据；"
                f"错误报告：{result.report_path}"
            )
