#!/usr/bin/env python3
"""In-process timing and cProfile of public URLs against the benchmark's database.

    .venv/bin/python bench/timings.py /api/v1/awards/ /awards/            # ms per request
    PROFILE=1 SORT=cumulative .venv/bin/python bench/timings.py /awards/  # plus the top functions

Runs Django's test client in this process with bench/settings.py on BENCH_DATABASE_URL (the
database `make bench` fills), stored responses off unless PUBLIC_RESPONSE_CACHE_TTL is set, so a
change to rendering shows without gunicorn or wrk. N requests per URL (50) after 3 warm-ups;
INM=1 sends the first response's ETag back (the 304 path); QUERIES=1 lists each query's time.
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/awards_perf_bench"),
)
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"))
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("API_ANON_RATE", "1000000/second")
os.environ.setdefault("PUBLIC_RESPONSE_CACHE_TTL", "0")
os.environ.setdefault("LOG_LEVEL", "warning")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main(paths: list[str]) -> None:
    client, n = Client(), int(os.environ.get("N", 50))
    for path in paths:
        for _ in range(3):
            response = client.get(path)
        headers = {"HTTP_IF_NONE_MATCH": response["ETag"]} if os.environ.get("INM") else {}
        start = time.perf_counter()
        for _ in range(n):
            response = client.get(path, **headers)
        per_request = (time.perf_counter() - start) / n * 1000
        print(f"{path}: {per_request:.2f} ms, {response.status_code}, {len(response.content):,} bytes")
        if os.environ.get("QUERIES"):
            with CaptureQueriesContext(connection) as queries:
                client.get(path, **headers)
            for query in queries.captured_queries:
                print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
        if os.environ.get("PROFILE"):
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(n):
                client.get(path, **headers)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("SORT", "tottime"))
            stats.print_stats(int(os.environ.get("TOP", 30)))
            print(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1:] or ["/bench/floor/", "/api/v1/awards/", "/awards/"])
