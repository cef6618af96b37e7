from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shian.core.audit import actor_context
from shian.inspections import record, services
from shian.inspections.models import InspectionPlan
from shian.organisation.models import User


class Command(BaseCommand):
    help = "为检查计划抽取点位（同一种子、同一快照结果相同），按抽取层打印结果，可导出抽取记录"

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--seed", type=int, required=True, help="随机种子")
        parser.add_argument("-o", "--output", help="抽取记录 xlsx 文件")

    def handle(self, plan_id, seed, output=None, **options):
        plan = InspectionPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"检查计划 {plan_id} 不存在")
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()
        if admin is None:
            raise CommandError("需要一个系统管理员账号作为抽取人")
        with actor_context(admin):
            try:
                services.draw_sites(plan, actor=admin, seed=seed)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages))
        self.stdout.write(record.draw_listing(plan))
        if output:
            Path(output).write_bytes(record.draw_record_xlsx(plan))
            self.stdout.write(f"抽取记录已写入 {output}")
