"""Settings of bench/api_bench.py only: the portal's, plus the baseline view's URL (never in production URLs)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_bench_urls"
