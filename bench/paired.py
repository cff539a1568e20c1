#!/usr/bin/env python3
"""Before and after a change, on one machine at the same moment: one gunicorn worker per
checkout, answering alternating requests for each URL.

    .venv/bin/python bench/paired.py /path/to/before-checkout /api/v1/awards/ /awards/

The other checkout needs a .venv (a link to this one will do) and collected static files. The
settings are bench/timings.py's: BENCH_DATABASE_URL (default the benchmark's database, only
read), stored responses off, the rate limit lifted. Prints per URL the median milliseconds of
each side and the CPU time each worker spent per request (from /proc), which the machine's other
load moves far less than it moves the clock. PAIRS (400) requests each, after 20 to warm up.
"""

import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from soak import HOST, ROOT, free_port, wait_until_healthy


def environment(port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/awards_perf_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "1000000/second",
        "PUBLIC_RESPONSE_CACHE_TTL": "0",
        "LOG_LEVEL": "warning",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESSLOG": "/dev/null",
    }


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main(before: Path, paths: list[str]) -> None:
    sides, servers = {}, []
    try:
        for name, checkout in (("before", before), ("after", ROOT)):
            port = free_port()
            server = subprocess.Popen(
                [str(checkout / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "awards_site.wsgi"],
                cwd=checkout,
                env=environment(port),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append(server)
            wait_until_healthy(f"http://{HOST}:{port}/healthz", server)
            worker = int(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0])
            sides[name] = (http.client.HTTPConnection(HOST, port), worker)
        pairs = int(os.environ.get("PAIRS", 400))
        print("| URL | before ms | after ms | | before CPU ms | after CPU ms | |")
        for path in paths:
            ms = {name: [] for name in sides}
            for i in range(20 + pairs):
                if i == 20:
                    cpu = {name: cpu_seconds(worker) for name, (_, worker) in sides.items()}
                for name in sorted(sides, reverse=i % 2 == 1):
                    connection = sides[name][0]
                    start = time.perf_counter()
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        sys.exit(f"{name} {path}: {response.status}")
                    ms[name].append((time.perf_counter() - start) * 1000)
            for name, (_, worker) in sides.items():
                cpu[name] = (cpu_seconds(worker) - cpu[name]) / pairs * 1000
            wall = {name: statistics.median(times[20:]) for name, times in ms.items()}
            print(
                f"| `{path}` | {wall['before']:.2f} | {wall['after']:.2f} "
                f"| {wall['after'] / wall['before'] - 1:+.1%} | {cpu['before']:.2f} | {cpu['after']:.2f} "
                f"| {cpu['after'] / cpu['before'] - 1:+.1%} |"
            )
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait()


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), sys.argv[2:])
