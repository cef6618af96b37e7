"""Real servers for the distributed tests: an S3-compatible object store (moto's server mode) and a
Celery worker process on the running Redis, against the test database.

Ports come from SHIAN_TEST_PORTS (default 8140-8149, the range this project's tests may bind);
the broker from SHIAN_TEST_BROKER_URL (default Redis db 15). Each session uses its own queue name,
so two test runs on one Redis never take each other's jobs.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

BIN = Path(sys.executable).parent
BROKER_URL = os.environ.get("SHIAN_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
S3_KEYS = {
    "SHIAN_S3_ACCESS_KEY": "shian-test",
    "SHIAN_S3_SECRET_KEY": "shian-test-secret",
    "SHIAN_S3_REGION": "us-east-1",
}


def free_port() -> int:
    low, _, high = os.environ.get("SHIAN_TEST_PORTS", "8140-8149").partition("-")
    ports = list(range(int(low), int(high or low) + 1))
    # xdist workers start at different offsets, so two of them rarely pick the same free port at once
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    shift = (worker * 5) % len(ports)
    for port in ports[shift:] + ports[:shift]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in SHIAN_TEST_PORTS={low}-{high}")


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def redis_reachable(url: str = BROKER_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class S3Server:
    """`moto_server` on a free port with one bucket; `env` holds the SHIAN_S3_* variables for it."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.bucket = f"shian-test-{uuid.uuid4().hex[:8]}"
        self.log = open(log_dir / "moto.log", "wb")  # noqa: SIM115 — closed in stop()
        self.proc = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._up, 30, "moto_server")
        self.client().create_bucket(Bucket=self.bucket)
        self.env = {"SHIAN_S3_BUCKET": self.bucket, "SHIAN_S3_ENDPOINT_URL": self.endpoint, **S3_KEYS}

    def _up(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {self.proc.returncode}")
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_KEYS["SHIAN_S3_ACCESS_KEY"],
            aws_secret_access_key=S3_KEYS["SHIAN_S3_SECRET_KEY"],
            region_name="us-east-1",
        )

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(o["Key"] for o in listing.get("Contents", []))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def database_url(settings_dict) -> str:
    """The URL of the (test) database this process uses, for a worker process to open."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        name = str(settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError("the Celery worker cannot open an in-memory SQLite test database")
        return f"sqlite:///{name}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings_dict['NAME']}"


class CeleryWorker:
    """`celery -A shian.celery_app worker` (prefork, one child) in its own process, as production runs it."""

    def __init__(self, log_dir: Path, env: dict):
        self.queue = f"shian-test-{uuid.uuid4().hex[:8]}"
        self.log_path = log_dir / f"{self.queue}.log"
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "PYTEST_XDIST_WORKER")}
        self.env.update(
            {
                "SHIAN_TESTING": "0",
                "SHIAN_CELERY_BROKER_URL": BROKER_URL,
                "SHIAN_CELERY_QUEUE": self.queue,
                "SHIAN_SECRET_KEY": "celery-test-worker",
                "SHIAN_LOG_LEVEL": "INFO",
                **env,
            }
        )
        self.proc = None

    def start(self, timeout: float = 60):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 — closed in stop()
        start = self.log_path.stat().st_size
        self.proc = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "shian.celery_app",
                "worker",
                "-Q",
                self.queue,
                "-c",
                "1",
                "-P",
                "prefork",
                "-l",
                "info",
                "-n",
                f"{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"celery worker exited with {self.proc.returncode}:\n{self.output()[-3000:]}"
                )
            return " ready." in self.output()[start:]

        wait_for(ready, timeout, "the Celery worker to be ready", interval=0.2)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_children(self) -> list[int]:
        """PIDs of the prefork pool's child processes (the ones running jobs)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def kill_running_child(self):
        """SIGKILL the pool child, as the kernel's out-of-memory killer would; the parent stays."""
        (child,) = self.pool_children()
        os.kill(child, signal.SIGKILL)
        return child

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()


def have_moto_server() -> bool:
    return (BIN / "moto_server").exists() or shutil.which("moto_server") is not None
