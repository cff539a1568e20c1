#!/usr/bin/env python3
"""Soak test (`make soak`): 60 s of mixed public traffic at 32 connections against gunicorn on
PostgreSQL. Passes with zero 5xx, zero connection errors, and worker memory (RSS) that grows
by no more than SOAK_MAX_RSS_GROWTH percent (default 10) after a warm-up.

Needs: DATABASE_URL (PostgreSQL), SECRET_KEY, and wrk (`apt-get install -y wrk`). Traffic goes
only to 127.0.0.1. The paths come from bench/soak_urls.txt (or SOAK_URLS=<file>). An empty
database is first filled with `generate_data --awards $SOAK_AWARDS` (default 5000). Settings:
SOAK_SECONDS (60), SOAK_CONNECTIONS (32), SOAK_WARMUP_SECONDS (10), SOAK_API_ANON_RATE.
Results are printed and written to bench/results/soak-<time>.json, beside gunicorn's access and
server logs.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = "127.0.0.1"  # never anything else


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def read_paths(path: Path) -> list[str]:
    paths = [
        line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    bad = [p for p in paths if not p.startswith("/") or p.startswith("//")]
    if bad or not paths:
        sys.exit(f"{path}: every line must be a path on this server starting with one '/': {bad}")
    return paths


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def worker_rss_kib(master: int) -> dict[int, int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    rss = {}
    for pid in map(int, children):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    return rss


def wait_until_healthy(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited during start-up; see its log in bench/results/")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer 200 within {seconds} s")


def run_wrk(base_url: str, urls_file: Path, seconds: int, connections: int) -> dict:
    completed = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "soak.lua"),
            base_url,
        ],
        env={**os.environ, "SOAK_URLS": str(urls_file)},
        check=True,
        capture_output=True,
        text=True,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("SOAK_RESULT "):
            return json.loads(line.removeprefix("SOAK_RESULT "))
    sys.exit(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (make soak uses SOAK_DATABASE_URL).")
    if not os.environ.get("SECRET_KEY"):
        sys.exit("Set SECRET_KEY (make soak takes it from .secret-key).")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    seconds, connections = setting("SOAK_SECONDS", 60), setting("SOAK_CONNECTIONS", 32)
    warmup, max_growth = setting("SOAK_WARMUP_SECONDS", 10), setting("SOAK_MAX_RSS_GROWTH", 10)
    urls_file = Path(os.environ.get("SOAK_URLS") or ROOT / "bench" / "soak_urls.txt").resolve()
    paths = read_paths(urls_file)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_MAX_REQUESTS": "0",  # no worker recycling: memory growth must show
        # One client sends everything: lift the API's per-address rate limit for the run.
        "API_ANON_RATE": os.environ.get("SOAK_API_ANON_RATE", "1000000/minute"),
        "GUNICORN_ACCESSLOG": str(results_dir / f"soak-{stamp}-access.log"),
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    awards = manage(
        env, "shell", "-c", "from registry.models import Nomination; print(Nomination.objects.count())"
    )
    if int(awards.split()[-1]) == 0:
        print(f"Empty database: generating {setting('SOAK_AWARDS', 5000)} synthetic awards …", flush=True)
        manage(env, "generate_data", "--awards", str(setting("SOAK_AWARDS", 5000)), "-v0")

    base_url = f"http://{HOST}:{port}"
    server_log = results_dir / f"soak-{stamp}-server.log"
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "awards_site.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=server_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_healthy(f"{base_url}/healthz", server)
        print(f"Warm-up {warmup} s, then {seconds} s at {connections} connections over {len(paths)} paths …")
        run_wrk(base_url, urls_file, warmup, connections)
        rss_before = worker_rss_kib(server.pid)
        result = run_wrk(base_url, urls_file, seconds, connections)
        rss_after = worker_rss_kib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    same_workers = rss_before.keys() == rss_after.keys()
    before_total, after_total = sum(rss_before.values()), sum(rss_after.values())
    growth = 100 * (after_total - before_total) / before_total
    connection_errors = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    report = {
        **result,
        "requests_per_s": round(result["requests"] / result["duration_s"], 1),
        "paths": paths,
        "workers": len(rss_after),
        "workers_restarted": not same_workers,
        "worker_rss_kib_before": rss_before,
        "worker_rss_kib_after": rss_after,
        "worker_rss_growth_percent": round(growth, 1),
    }
    (results_dir / f"soak-{stamp}.json").write_text(json.dumps(report, indent=2, default=str))

    print(
        f"{result['requests']} requests in {result['duration_s']} s ({report['requests_per_s']}/s); "
        f"2xx {result['2xx']}, 3xx {result['3xx']}, 4xx {result['4xx']}, 5xx {result['5xx']}; "
        f"connection errors {connection_errors}; latency p50 {result['latency_p50_ms']} ms, "
        f"p99 {result['latency_p99_ms']} ms"
    )
    print(
        f"Worker RSS: {before_total // 1024} MiB -> {after_total // 1024} MiB over {len(rss_after)} workers "
        f"({growth:+.1f}%){'; workers restarted!' if not same_workers else ''}"
    )
    failures = []
    if result["5xx"]:
        failures.append(f"{result['5xx']} responses were 5xx")
    if connection_errors:
        failures.append(f"{connection_errors} connection errors")
    if not same_workers:
        failures.append("gunicorn replaced workers during the soak (crash or timeout)")
    if growth > max_growth:
        failures.append(f"worker memory grew {growth:.1f}% (limit {max_growth}%)")
    if result["4xx"]:
        print(f"Note: {result['4xx']} responses were 4xx (a wrong path in the list, or a rate limit)")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("Soak passed." if not failures else "Soak failed.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
