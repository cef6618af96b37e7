from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from shian.core.audit import actor_context
from shian.framework.importing import import_framework
from shian.framework.treedata import dec_text
from shian.organisation.models import Region


class Command(BaseCommand):
    help = "导入评价细则（.xlsx / .xls / .yaml），先检查全部内容，有任何错误都不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx、xls 或 YAML 文件")
        parser.add_argument("--region", help="所属区划代码（单位名称在该区划内匹配；不填为全局通用）")
        parser.add_argument("--name", help="细则名称（不填时取文件中的标题或文件名）")
        parser.add_argument(
            "--create-units", action="store_true", help="把未匹配的单位名称新建为该区划的成员单位"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查并显示摘要，不写入")

    def handle(self, file, region=None, name=None, create_units=False, dry_run=False, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        owner = None
        if region:
            owner = Region.objects.filter(code=region).first()
            if owner is None:
                raise CommandError(f"区划代码“{region}”不存在")
        try:
            with actor_context(None):
                outcome = import_framework(
                    str(path),
                    filename=path.name,
                    owner_region=owner,
                    actor=None,
                    name=name,
                    create_units=create_units,
                    dry_run=dry_run,
                )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)])))
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(error)
            raise CommandError(f"共 {len(outcome.errors)} 处错误，未导入任何数据")
        p = outcome.preview
        s = p["summary"]
        self.stdout.write(f"细则：{p['name']}（所属区划：{p['owner_region']}）")
        self.stdout.write(
            f"类别 {s['category_count']} 个，指标 {s['indicator_count']} 个，评分项 {s['item_count']} 个"
            f"（关键项 {s['key_item_count']} 个），基本项合计 {dec_text(s['base_points'])} 分"
            + (f"，加分项封顶 {dec_text(s['bonus_points'])} 分" if s["bonus_points"] else "")
            + f"，否决项与门槛 {s['gate_count']} 条"
        )
        for cat in s["categories"]:
            points = (
                cat["cap"]
                if cat["kind"] == "bonus"
                else (cat["points"] if cat["points"] is not None else cat["item_points"])
            )
            self.stdout.write(
                f"  {cat['name']}：{dec_text(points)} 分，{cat['indicators']} 个指标，{cat['items']} 个评分项"
            )
        for warning in p["warnings"]:
            self.stdout.write(self.style.WARNING(f"提示：{warning}"))
        if p.get("to_create"):
            self.stdout.write(f"新建单位（{len(p['to_create'])}）：" + "、".join(p["to_create"]))
        if p["unmatched"]:
            self.stdout.write(
                self.style.WARNING(f"未匹配的单位名称（{len(p['unmatched'])}）：" + "、".join(p["unmatched"]))
            )
        else:
            self.stdout.write("单位名称全部匹配")
        if dry_run:
            self.stdout.write("试运行：未写入任何数据")
        else:
            self.stdout.write(self.style.SUCCESS(f"已导入，细则编号 {outcome.framework.pk}"))
