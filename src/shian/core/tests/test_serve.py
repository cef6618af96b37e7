"""`shian serve` for real: gunicorn with N sync workers, hashed and compressed static files, health URLs."""

import gzip
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from shian.core.tests import servers


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_shian_serve_runs_gunicorn_workers_with_cached_compressed_static_files(tmp_path):
    port = servers.free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "PYTEST_XDIST_WORKER", "DATABASE_URL")
    }
    env.update(
        {
            "SHIAN_TESTING": "0",
            "SHIAN_DATA_DIR": str(tmp_path),
            "SHIAN_SECRET_KEY": "serve-test",
            "SHIAN_CELERY_BROKER_URL": "",
        }
    )
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("shian")),
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def up():
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                return _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
            except OSError:
                return False

        servers.wait_for(up, 120, "shian serve", interval=0.3)
        status, headers, body = _get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200 and b'"database": "ok"' in body
        # the master (exec'd from `shian serve`, so the same pid) has two sync workers
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 2
        assert headers["Server"].startswith("gunicorn")
        _, _, login = _get(f"http://127.0.0.1:{port}/login/")
        css = re.search(rb"/static/core/shian\.[0-9a-f]{12}\.css", login).group().decode()
        status, headers, body = _get(f"http://127.0.0.1:{port}{css}", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"] and b"{" in gzip.decompress(body)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.close()
