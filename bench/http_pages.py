"""Benchmark: the heavy pages under load on `shian serve`, against a bare reference page on the same server.

Builds (once) the city-scale database of bench/city.py, starts `shian serve --workers 2` with the
reference page /bench/reference/ added (bench_settings.py), logs in as the city office (`city`), and
runs wrk (16 connections, Debian's `wrk`) on each page in turn, reference first and last. Prints per
page: requests/s, p50, p95, queries (warm, measured in process), the ratio of requests/s to the
reference, the goal (ratio ≥ 1 and p95 ≤ 200 ms) and MET or MISSED.

    .venv/bin/python bench/http_pages.py [--db bench/out/city.sqlite3 | --pg NAME] [--duration 10]
        [--connections 16] [--workers 2] [--port 8141] [--rows 1000000] [--pages dashboard,tasks]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
SECRET = "bench-http-pages-secret"
P95_GOAL_MS = 200
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("PCT %.3f %.3f %d %d\\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
                         summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
                         summary.requests))
end
"""


def pages():
    from shian.campaigns.models import Campaign
    from shian.supervision.models import IndicatorDefinition

    campaign = Campaign.objects.get()
    defn = IndicatorDefinition.objects.filter(is_active=True).order_by("seq", "code").first()
    out = {
        "dashboard": f"/dashboard/?campaign={campaign.pk}",
        "tasks": "/tasks/",
        "problems": "/rectification/",
        "materials": "/evidence/",
        "matrix": f"/evidence/matrix/?campaign={campaign.pk}",
        "gap": f"/scoring/gap/?campaign={campaign.pk}",
        "indicators": "/supervision/",
    }
    if defn:
        out["indicator"] = f"/supervision/indicators/{defn.pk}/"
    return out


def session_cookie(username):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from shian.organisation.models import User

    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    # a browser holds the CSRF cookie the first page gave it; kept pages are keyed by it (core/pagecache.py)
    from django.middleware.csrf import _get_new_csrf_string

    csrf = f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {csrf}", user


def warm_queries(user, urls):
    """Per page: queries and in-process ms of a full render (the page cache off), warm otherwise."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    out = {}
    with override_settings(SHIAN_PAGE_CACHE=False):
        for name, url in urls.items():
            assert client.get(url).status_code == 200, url
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            count = len(ctx.captured_queries)  # now: the next request's start empties the log
            times = []
            for _ in range(3):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            out[name] = (count, sorted(times)[1])
    return out


def wrk(url, cookie, duration, connections, script):
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        script,
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95, errors, total = re.search(r"PCT ([\d.]+) ([\d.]+) (\d+) (\d+)", out).groups()
    return {"rps": rps, "p50": float(p50), "p95": float(p95), "errors": int(errors), "requests": int(total)}


def start_server(url, port, workers, data_dir):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": HERE + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "SHIAN_SECRET_KEY": SECRET,
        "SHIAN_DATA_DIR": data_dir,
        "SHIAN_ACCESS_LOG": os.devnull,
        "SHIAN_LOG_LEVEL": "WARNING",
    }
    env.pop("SHIAN_CELERY_BROKER_URL", None)
    shian = os.path.join(os.path.dirname(sys.executable), "shian")
    log = open(os.path.join(data_dir, "serve.log"), "wb")  # noqa: SIM115 — lives as long as the server
    proc = subprocess.Popen(
        [shian, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(open(log.name).read())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("shian serve did not become ready")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=os.path.join(HERE, "out", "city.sqlite3"))
    parser.add_argument("--pg")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--user", default="city")
    parser.add_argument("--pages", help="comma-separated subset")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("需要 wrk：apt-get install wrk")
    os.environ["SHIAN_SECRET_KEY"] = SECRET
    import city

    url = city.database_url(args)
    city.ensure(url, args.rows)
    urls = pages()
    if args.pages:
        urls = {k: v for k, v in urls.items() if k in args.pages.split(",")}
    cookie, user = session_cookie(args.user)
    queries = warm_queries(user, urls)
    from django.db import connections

    connections.close_all()
    data_dir = tempfile.mkdtemp(prefix="shian-http-")
    script = os.path.join(data_dir, "pct.lua")
    with open(script, "w") as fh:
        fh.write(LUA)
    proc = start_server(url, args.port, args.workers, data_dir)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for u in list(urls.values()):  # warm the caches and each worker once
            for _ in range(args.workers * 2):
                req = urllib.request.Request(base + u, headers={"Cookie": cookie})
                urllib.request.urlopen(req, timeout=60).read()
        ref = [wrk(base + "/bench/reference/", cookie, args.duration, args.connections, script)]
        results = {
            name: wrk(base + u, cookie, args.duration, args.connections, script) for name, u in urls.items()
        }
        ref.append(wrk(base + "/bench/reference/", cookie, args.duration, args.connections, script))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    ref_rps = sum(r["rps"] for r in ref) / len(ref)
    print(
        f"\nshian serve --workers {args.workers}, wrk -c{args.connections} -d{args.duration}s, 用户 {args.user}，"
        f"数据库 {connections['default'].vendor}"
    )
    print(
        "(queries and render ms: one full render in process, the page cache off; req/s, p50, p95: under load)"
    )
    print(f"{'page':<12}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'render':>8}{'ratio':>8}  goal")
    print(
        f"{'reference':<12}{ref_rps:>9.1f}{ref[0]['p50']:>9.1f}{ref[0]['p95']:>9.1f}{0:>9}{'':>8}{1:>8.2f}  "
        f"(first {ref[0]['rps']:.1f}, last {ref[1]['rps']:.1f} req/s)"
    )
    missed = 0
    for name, r in results.items():
        ratio = r["rps"] / ref_rps
        count, render_ms = queries[name]
        met = ratio >= 1 and r["p95"] <= P95_GOAL_MS and r["errors"] == 0 and count <= 20
        missed += not met
        print(
            f"{name:<12}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{count:>9}{render_ms:>8.0f}{ratio:>8.2f}  "
            f"ratio ≥ 1, p95 ≤ {P95_GOAL_MS} ms, ≤ 20 queries: {'MET' if met else 'MISSED'}"
            + (f" ({r['errors']} errors)" if r["errors"] else "")
        )
    print(f"{len(results) - missed}/{len(results)} pages MET")


if __name__ == "__main__":
    main()
