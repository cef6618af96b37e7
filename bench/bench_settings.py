"""Settings for bench/http_pages.py: shian's own, plus the reference page served by the same server."""

from shian.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
