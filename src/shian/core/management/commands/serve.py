"""`shian serve`: the production web server (gunicorn sync workers) with compressed, cached static files."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "生产环境启动：收集并压缩静态文件，以 gunicorn 多进程（同步工作进程）提供服务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（反向代理在本机时保持 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="工作进程数，默认每个 CPU 核一个"
        )
        parser.add_argument("--timeout", type=int, default=120, help="单个请求的最长秒数（大文件下载、导出）")
        parser.add_argument("--migrate", action="store_true", help="启动前执行数据库迁移")
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="跳过静态文件收集（已在部署时完成）"
        )

    def handle(self, host, port, workers, timeout, migrate, no_collectstatic, **options):
        if workers < 1:
            raise CommandError("--workers 至少为 1")
        env = {**os.environ, "SHIAN_STATIC_MANIFEST": "1"}
        shian = [sys.executable, "-m", "shian.manage"]
        if migrate:
            subprocess.run([*shian, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        if not no_collectstatic:
            self.stdout.write(f"收集静态文件到 {settings.STATIC_ROOT} ……")
            subprocess.run([*shian, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        argv = [
            str(gunicorn),
            "shian.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "30",
            # Bound slow memory growth, rarely: a recycled worker starts cold (its page cache empty), and
            # at 5,000 requests a busy worker was recycled every few seconds, each time a p95 spike.
            "--max-requests",
            "50000",
            "--max-requests-jitter",
            "5000",
            "--preload",  # the app is imported once in the master: a new worker is forked ready
            "--forwarded-allow-ips",
            os.environ.get("SHIAN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "--access-logfile",
            os.environ.get("SHIAN_ACCESS_LOG", "-"),
            "--error-logfile",
            "-",
            "--no-control-socket",  # one per user by default: two instances on a machine would share it
        ]
        self.stdout.write(
            self.style.SUCCESS(f"食安创城（生产模式）：http://{host}:{port}/  工作进程 {workers} 个")
        )
        self.stdout.flush()
        os.execve(argv[0], argv, env)
