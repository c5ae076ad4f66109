"""Settings of bench/api_bench.py only: the portal's, plus the floor view's URL (never in production URLs).

BENCH_WITHOUT (comma-separated) takes one of the hot path's changes out, to measure what it buys:
"routing" (API calls through every middleware), "token-cache" (each call reads its token).
"""

import os

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_bench_urls"

_without = set(os.environ.get("BENCH_WITHOUT", "").split(","))
if "routing" in _without:
    MIDDLEWARE = [name for name in MIDDLEWARE if name != "api.routing.ApiRoutingMiddleware"]  # noqa: F405
if "token-cache" in _without:
    API_TOKEN_CACHE_SECONDS = 0
