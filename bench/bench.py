#!/usr/bin/env python3
"""`make bench`: the public site and API at 100,000 awards, as ratios to a trivial Django view.

Builds the dataset in BENCH_DATABASE_URL (default: PostgreSQL database awards_perf_bench) with
`generate_data --awards $BENCH_AWARDS` if it holds none, then, once with the response cache on
and once with it off (PUBLIC_RESPONSE_CACHE_TTL=0), starts gunicorn with bench/settings.py
(workers as docs/deploy.md recommends) and runs wrk at BENCH_CONNECTIONS (16) connections for
BENCH_SECONDS (10) on each URL, after a short warm-up (BENCH_ONLY: a regex picking rows by
label; BENCH_MODES: "on", "off" or both). Prints requests/s, p50, p99 and the ratio
to the floor (the trivial view in the same run), then the gunicorn workers' RSS. Results also go
to bench/results/bench-<time>.json. Traffic goes only to 127.0.0.1. Needs wrk
(`apt-get install -y wrk`), PostgreSQL and, for the Redis cache, BENCH_REDIS_URL
(default redis://127.0.0.1:6379/6; empty: local-memory cache per worker).
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from soak import HOST, PYTHON, ROOT, free_port, manage, setting, wait_until_healthy, worker_rss_kib

DEFAULT_DATABASE = "awards_perf_bench"
TARGETS = (
    "cached and 304 >= 0.7; uncached 20-row page and /awards/ >= 0.10; others >= 0.03;"
    " random cursor >= 0.06 and no slower than page 1; random page numbers >= 0.03"
)


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist."""
    name = url.rsplit("/", 1)[-1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    check = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    found = subprocess.run(["psql", server, "-tAc", check], capture_output=True, text=True, check=True)
    if found.stdout.strip() != "1":
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)


def sample(env: dict) -> dict:
    """Values for the URLs: a year and country with awards, an edition, a common search word,
    and for the crawler rows the number of awards and random places in the award order."""
    code = (
        "from registry.models import AWARD_ORDER_KEY, Nomination;"
        "a = Nomination.objects.public().select_related('edition__program', 'nominee')"
        ".order_by('-year', 'id').first();"
        "print(a.year, a.nominee.country, a.edition.program.slug, a.nominee.name.split()[0][:4].lower(),"
        " Nomination.objects.public().count());"
        f"keys = Nomination.objects.public().order_by('?').values_list(*AWARD_ORDER_KEY)[:{RANDOM_PATHS}];"
        "print(' '.join('.'.join(map(str, key)) for key in keys))"
    )
    first, cursors = manage(env, "shell", "-c", code).strip().splitlines()[-2:]
    year, country, program, word, count = first.split()
    return {
        "year": year,
        "country": country,
        "program": program,
        "word": word,
        "count": int(count),
        "cursors": cursors.split(),
    }


# Distinct URLs a crawler row draws from: enough that few repeat within a run.
RANDOM_PATHS = 5000


def random_pages(path: str, count: int, per_page: int) -> list[str]:
    pages = max(1, count // per_page)
    return [f"{path}?page={random.randint(1, pages)}" for _ in range(RANDOM_PATHS)]


def urls(values: dict) -> list[tuple[str, str | list[str], dict]]:
    """(label, path or paths to draw from at random, extra headers); the 304 row's ETag is
    filled in once the server runs."""
    v = values
    return [
        ("floor (trivial view)", "/bench/floor/", {}),
        ("API page 1", "/api/v1/awards/", {}),
        ("API page_size=100", "/api/v1/awards/?page_size=100", {}),
        ("API year+country", f"/api/v1/awards/?year={v['year']}&country={v['country']}", {}),
        ("API search", f"/api/v1/awards/?q={v['word']}", {}),
        ("API page 2000", "/api/v1/awards/?page=2000", {}),
        ("/awards/", "/awards/", {}),
        ("edition page", f"/programs/{v['program']}/{v['year']}/", {}),
        ("/feeds/awards.json", "/feeds/awards.json", {}),
        ("API 304", "/api/v1/awards/", {"If-None-Match": None}),
        # Crawlers: a different page on every request, so no stored answer helps.
        ("API random page", random_pages("/api/v1/awards/", v["count"], 20), {}),
        ("API random cursor", [f"/api/v1/awards/?cursor={c}" for c in v["cursors"]], {}),
        ("/awards/ random page", random_pages("/awards/", v["count"], 25), {}),
    ]


LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, headers: dict, seconds: int, connections: int, paths: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    env = os.environ
    if paths is not None:  # each request a path drawn from the file
        command += ["-s", str(ROOT / "bench" / "random_paths.lua")]
        env = {**os.environ, "BENCH_PATHS": str(paths)}
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: float(n) * UNITS[u] for p, n, u in LATENCY.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rate,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
    }


def etag_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["ETag"]


def run_server(env: dict, cache_on: bool, rows, seconds: int, warmup: int, connections: int, log: Path):
    port = free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "PUBLIC_RESPONSE_CACHE_TTL": "300" if cache_on else "0",
    }
    base = f"http://{HOST}:{port}"
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "awards_site.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    results = []
    try:
        wait_until_healthy(f"{base}/healthz", server)
        for label, path, headers in rows:
            paths = None
            if isinstance(path, list):
                paths = log.with_name(f"paths-{label.replace('/', '').replace(' ', '-')}.txt")
                paths.write_text("\n".join(path) + "\n")
                path = path[0]
            headers = {k: v or etag_of(base + path) for k, v in headers.items()}
            wrk(base + path, headers, warmup, connections, paths)
            result = wrk(base + path, headers, seconds, connections, paths)
            results.append({"label": label, "path": path, **result})
            print(f"  {label:24} {result['rps']:9.1f} req/s", flush=True)
        rss = worker_rss_kib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return results, rss


def table(mode: str, results: list[dict]) -> str:
    floor = results[0]["rps"]
    lines = [
        f"\nCache {mode}",
        f"{'URL':24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}",
    ]
    for r in results:
        ratio = r["rps"] / floor if floor else 0
        errors = f"  ({r['non_2xx_3xx']} non-2xx/3xx!)" if r["non_2xx_3xx"] else ""
        p50, p99 = r["p50_ms"] or 0, r["p99_ms"] or 0
        lines.append(f"{r['label']:24} {r['rps']:9.1f} {p50:8.2f} {p99:8.2f} {ratio:7.3f}{errors}")
    return "\n".join(lines)


def main() -> int:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    database_url = (
        os.environ.get("BENCH_DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/{DEFAULT_DATABASE}"
    )
    seconds, warmup = setting("BENCH_SECONDS", 10), setting("BENCH_WARMUP_SECONDS", 2)
    connections, awards = setting("BENCH_CONNECTIONS", 16), setting("BENCH_AWARDS", 100_000)
    ensure_database(database_url)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESSLOG": "/dev/null",  # a log line per request would be measured too
        "LOG_LEVEL": "warning",
        # One client sends everything: lift the API's limit. Per second, so the throttle's history
        # (every request within the period, read and written on each request) stays short.
        "API_ANON_RATE": "1000000/second",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    count = manage(
        env,
        "shell",
        "-c",
        "from registry.models import Nomination; print(Nomination.objects.public().count())",
    )
    if int(count.split()[-1]) == 0:
        print(f"Empty database: generating {awards:,} synthetic awards (a few minutes) …", flush=True)
        manage(env, "generate_data", "--awards", str(awards), "-v0")
        count = str(awards)
    rows = urls(sample(env))
    if only := os.environ.get("BENCH_ONLY"):  # a regex on the labels; the floor always runs
        rows = [rows[0], *(row for row in rows[1:] if re.search(only, row[0]))]
    modes = [(m, m == "on") for m in os.environ.get("BENCH_MODES", "on off").split()]
    print(f"{int(count.split()[-1]):,} public awards; wrk: {connections} connections, {seconds} s per URL")
    report = {"machine": machine(), "connections": connections, "seconds": seconds, "runs": {}}
    log = results_dir / f"bench-{stamp}-server.log"
    for mode, cache_on in modes:
        print(f"Cache {mode} …", flush=True)
        results, rss = run_server(env, cache_on, rows, seconds, warmup, connections, log)
        report["runs"][mode] = {"results": results, "worker_rss_kib": rss}
    for mode, run in report["runs"].items():
        print(table(mode, run["results"]))
        rss = run["worker_rss_kib"]
        print(
            f"gunicorn workers: {len(rss)}, RSS after the run: "
            + ", ".join(f"{kib // 1024} MiB" for kib in rss.values())
        )
    print(f"\nTargets (ratios to the floor): {TARGETS}; p99 < 100 ms cached, < 250 ms uncached.")
    print(f"Machine: {report['machine']}")
    (results_dir / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2))
    return 0


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{len(os.sched_getaffinity(0))} cores ({cpu}), {int(memory) // 1024 // 1024} GiB RAM, {pg}"


if __name__ == "__main__":
    sys.exit(main())
