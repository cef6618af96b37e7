"""Benchmark: public survey answers submitted to `shian serve` by 16 concurrent clients.

Builds a throwaway SQLite database with the test cast (a county, two townships) and a 群众满意度 survey
of 8 questions with an open link, starts `shian serve --workers 2` (as bench/http_pages.py does, with its
reference page /bench/reference/), and runs wrk (Debian's `wrk`) with a Lua script that POSTs a complete
answer sheet: each request a new respondent (no device cookie, so the server issues one and stores a new
device mark) from its own address (X-Forwarded-For, trusted as behind a proxy), so the per-address
throttle and the once-per-device rule are both exercised and never refuse. The reference page is measured
first and last in the same run. Prints responses/s, p50, p95, errors and the ratio to the reference, and
checks that the database holds as many answers as wrk counted as successful.

Goal (issue 14): ≥ 200 responses/s, p95 < 200 ms, no errors.

    .venv/bin/python bench/survey_submit.py [--duration 60] [--connections 16] [--workers 2] [--port 8142]
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
SECRET = "bench-survey-submit-secret"
GOAL_RPS = 200
P95_GOAL_MS = 200

LUA_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("PCT %.3f %.3f %d %d %d\\n", latency:percentile(50) / 1000,
                         latency:percentile(95) / 1000,
                         summary.errors.status + summary.errors.connect + summary.errors.read
                           + summary.errors.timeout + summary.errors.write,
                         summary.requests, summary.errors.status))
end
"""

# Each wrk thread numbers its requests; thread id and counter make a distinct client address.
LUA_SUBMIT = (
    """
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local n = counter
  local addr = string.format("10.%d.%d.%d", tid, math.floor(n / 250) %% 250, n %% 250 + 1)
  local town = TOWNS[(n %% #TOWNS) + 1]
  local body = BODY .. "&township=" .. town .. "&age_group=" .. AGES[(n %% #AGES) + 1]
  return wrk.format("POST", PATH, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. CSRF,
    ["X-Forwarded-For"] = addr,
    ["Origin"] = ORIGIN,
  }, body)
end
"""
    + LUA_REPORT
)


def build():
    """The cast and one open satisfaction survey; returns (path, body, townships)."""
    from shian.core.audit import actor_context
    from shian.surveys import services
    from shian.testing import build_cast

    with actor_context(None):
        cast = build_cast()
        survey = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
        link = services.create_link(survey, actor=cast.office_user, name="压测链接")
    questions = list(survey.questions.current())
    return survey.pk, link.get_public_url(), questions, [cast.town.pk, cast.town2.pk]


def wrk(url, duration, connections, script):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95, errors, total, status = re.search(r"PCT ([\d.]+) ([\d.]+) (\d+) (\d+) (\d+)", out).groups()
    return {
        "rps": rps,
        "p50": float(p50),
        "p95": float(p95),
        "errors": int(errors),
        "requests": int(total),
        "status_errors": int(status),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=60, help="seconds of submitting (default 60)")
    parser.add_argument("--reference-duration", type=int, default=None, help="seconds per reference run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8142)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("需要 wrk：apt-get install wrk")
    os.environ["SHIAN_SECRET_KEY"] = SECRET
    from _setup import django_setup, migrate, throwaway_url
    from http_pages import start_server

    url, drop = throwaway_url("sqlite")
    data_dir = tempfile.mkdtemp(prefix="shian-survey-bench-")
    proc = None
    try:
        django_setup(url)
        migrate()
        survey_pk, path, questions, towns = build()
        from django.db import connections

        connections.close_all()
        # A valid sheet: every question answered with its second option (比较满意).
        csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret in the form
        body = "&".join([f"csrfmiddlewaretoken={csrf}", *(f"q{q.seq}=1" for q in questions)])
        base = f"http://127.0.0.1:{args.port}"
        script = os.path.join(data_dir, "submit.lua")
        with open(script, "w") as fh:
            fh.write(
                f'PATH = "{path}"\nBODY = "{body}"\nCSRF = "{csrf}"\nORIGIN = "{base}"\n'
                f"TOWNS = {{{', '.join(map(str, towns))}}}\n"
                'AGES = {"u30", "30_44", "45_59", "60p", ""}\n' + LUA_SUBMIT.replace("%%", "%")
            )
        ref_script = os.path.join(data_dir, "pct.lua")
        with open(ref_script, "w") as fh:
            fh.write(LUA_REPORT)
        os.environ["SHIAN_TRUST_X_FORWARDED_FOR"] = "1"
        os.environ["SHIAN_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        proc = start_server(url, args.port, args.workers, data_dir)
        for _ in range(args.workers * 4):  # warm each worker
            urllib.request.urlopen(base + path, timeout=60).read()
            urllib.request.urlopen(base + "/bench/reference/", timeout=60).read()
        ref_duration = args.reference_duration or max(5, min(20, args.duration // 3))
        ref = [wrk(base + "/bench/reference/", ref_duration, args.connections, ref_script)]
        submit = wrk(base + path, args.duration, args.connections, script)
        ref.append(wrk(base + "/bench/reference/", ref_duration, args.connections, ref_script))
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
    try:
        from shian.surveys.models import DeviceMark, Response

        stored = Response.objects.filter(survey_id=survey_pk).count()
        marks = DeviceMark.objects.filter(survey_id=survey_pk).count()
    finally:
        from django.db import connections

        connections.close_all()
        drop()
    ref_rps = sum(r["rps"] for r in ref) / len(ref)
    ok = submit["requests"] - submit["errors"]
    ratio = submit["rps"] / ref_rps
    met = submit["rps"] >= GOAL_RPS and submit["p95"] < P95_GOAL_MS and submit["errors"] == 0
    print(
        f"\nshian serve --workers {args.workers}, wrk -c{args.connections}, 提交 {args.duration}s，"
        f"参照页各 {ref_duration}s，数据库 sqlite"
    )
    print(f"{'':<12}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'ratio':>8}")
    print(
        f"{'reference':<12}{ref_rps:>9.1f}{ref[0]['p50']:>9.1f}{ref[0]['p95']:>9.1f}"
        f"{ref[0]['errors'] + ref[1]['errors']:>8}{1:>8.2f}  (first {ref[0]['rps']:.1f}, last {ref[1]['rps']:.1f})"
    )
    print(
        f"{'submit':<12}{submit['rps']:>9.1f}{submit['p50']:>9.1f}{submit['p95']:>9.1f}"
        f"{submit['errors']:>8}{ratio:>8.2f}"
    )
    print(f"answers stored {stored}, device marks {marks}, wrk successes {ok}")
    print(f"goal ≥ {GOAL_RPS} responses/s, p95 < {P95_GOAL_MS} ms, no errors: {'MET' if met else 'MISSED'}")
    if stored != marks or stored < ok:
        print("MISMATCH: stored answers do not match successful requests")
        sys.exit(1)


if __name__ == "__main__":
    main()
