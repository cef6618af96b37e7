from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shian.core.demo import build_demo, demo_logins_text


class Command(BaseCommand):
    help = "在空数据库中载入演示数据（安澜县创建项目、乡镇、成员单位、各角色用户及各模块演示数据）"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="数据库非空时也载入（仅用于全新测试库）")

    def handle(self, force=False, **options):
        if not force and get_user_model().objects.exists():
            raise CommandError("数据库中已有数据，未载入演示数据。")
        self.stdout.write("正在载入演示数据……")
        result = build_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已载入。演示账号："))
        self.stdout.write(demo_logins_text(result["password"]))
