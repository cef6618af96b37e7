"""`shian run`: the embedded deployment in one command."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from shian.core import registry
from shian.core.demo import build_demo, demo_logins_text, demo_password


class Command(BaseCommand):
    help = "迁移数据库、空库时载入演示数据，并在 127.0.0.1:8000 启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-demo", action="store_true", help="空库时不载入演示数据")

    def handle(self, host, port, threads, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"数据库：{settings.DATABASES['default']['NAME']}")
        from shian.core.jobs import sweep_dead_jobs

        # In-process jobs do not survive a restart: whatever was queued or running before is dead now.
        swept = sweep_dead_jobs()
        if swept:
            self.stdout.write(self.style.WARNING(f"启动检查：{swept} 个中断的后台任务/导入已标记为失败"))
        User = get_user_model()
        demo_loaded = User.objects.filter(username="office").exists()
        if not User.objects.exists() and not no_demo:
            self.stdout.write("空数据库，正在载入演示数据……")
            build_demo(stdout=self.stdout)
            demo_loaded = True
        if demo_loaded and not settings.SHIAN_REQUIRE_2FA_EXPLICIT:
            # The demo's shared accounts have no authenticator; production sets SHIAN_REQUIRE_2FA or has no demo.
            settings.SHIAN_REQUIRE_2FA = False
            self.stdout.write(
                self.style.WARNING("演示数据：已关闭双因素认证（设置 SHIAN_REQUIRE_2FA=1 可开启）")
            )
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\n食安创城已启动：{url}"))
        if demo_loaded:
            self.stdout.write("演示账号：\n" + demo_logins_text(demo_password()))
        registry.serve_hooks(self.stdout)  # e.g. notifications: the mail hint and the in-process scheduler
        self.stdout.write("按 Ctrl+C 停止。\n")
        from waitress import serve

        from shian.wsgi import application

        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="shian",
            clear_untrusted_proxy_headers=True,
        )
