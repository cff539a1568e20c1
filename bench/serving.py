#!/usr/bin/env python3
"""`make bench-serving`: what gunicorn.conf.py's access log and worker recycling cost the floor.

Starts gunicorn from gunicorn.conf.py with bench/settings.py once per variant (environment
overrides of the shipped defaults) and runs wrk at SERVING_CONNECTIONS (16) connections for
SERVING_SECONDS (10) on the trivial view `/bench/floor/` after a 2 s warm-up, SERVING_ROUNDS (3)
times with the variants interleaved. Before each run it waits (up to a minute) until other
processes use at most a tenth of the CPUs. Prints, per variant, the median requests/s, p99 and
server CPU per request (gunicorn, its workers and the log reader), the steadiest of the three
on a shared machine, and for each run the CPU share other processes took meanwhile.

gunicorn's stdout goes through a pipe to `cat`, as it goes to journald or a container runtime in
production, and on to a file in bench/results/. The floor touches no database: a SQLite file in
bench/results/ and the local memory cache do. Traffic goes only to 127.0.0.1. Needs wrk
(`apt-get install -y wrk`). SERVING_ONLY: a regex on the labels. SERVING_BEFORE_ROOT: a checkout
of an earlier commit, run with its own defaults as one more variant.
"""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from soak import HOST, PYTHON, ROOT, free_port, manage, setting, wait_until_healthy

from bench import machine, wrk

OFF, STDOUT, FILE = "off", "-", "FILE"  # FILE: a file in bench/results/
RECYCLE_2000 = {"GUNICORN_MAX_REQUESTS": "2000", "GUNICORN_MAX_REQUESTS_JITTER": "200"}
NO_RECYCLING = {"GUNICORN_MAX_REQUESTS": "0"}
AT_ONCE = {"GUNICORN_ACCESSLOG_FLUSH_SECONDS": "0"}

# (label, environment over the shipped defaults)
VARIANTS = [
    ("stdout, line by line; max_requests 2000", {"GUNICORN_ACCESSLOG": STDOUT, **AT_ONCE, **RECYCLE_2000}),
    ("no access log; max_requests off", {"GUNICORN_ACCESSLOG": OFF, **NO_RECYCLING}),
    ("stdout, line by line; max_requests off", {"GUNICORN_ACCESSLOG": STDOUT, **AT_ONCE, **NO_RECYCLING}),
    ("file, line by line; max_requests off", {"GUNICORN_ACCESSLOG": FILE, **NO_RECYCLING}),
    ("stdout, batched; max_requests off", {"GUNICORN_ACCESSLOG": STDOUT, **NO_RECYCLING}),
    ("no access log; max_requests 2000", {"GUNICORN_ACCESSLOG": OFF, **RECYCLE_2000}),
    ("shipped defaults", {}),
]


def process_ticks() -> dict[int, tuple[int, int]]:
    """{pid: (parent pid, CPU ticks it and its finished children used)} for every process."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        found[int(stat.parent.name)] = (int(fields[1]), sum(map(int, fields[11:15])))
    return found


def busy_ticks() -> int:
    """CPU ticks every process has used since boot (all but idle and iowait)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return sum(ticks) - ticks[3] - ticks[4]


def descendants(snapshot: dict, roots: set[int]) -> set[int]:
    """`roots` and every process below them in `snapshot`."""
    tree, grew = set(roots), True
    while grew:
        below = {pid for pid, (parent, _) in snapshot.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    return tree


def tree_ticks(snapshot: dict, roots: set[int]) -> int:
    """CPU ticks of `roots` and their processes, those already ended included (in their parents)."""
    return sum(snapshot[pid][1] for pid in descendants(snapshot, roots) if pid in snapshot)


def share_of_cpus(ticks: int, seconds: float) -> float:
    return ticks / (seconds * os.sysconf("SC_CLK_TCK") * len(os.sched_getaffinity(0)))


class CpuWatch:
    """CPU used between `start()` and `stop()`: by the processes under `roots`, and by all others."""

    def __init__(self, roots: set[int]):
        self.roots = roots
        self.snapshot, self.busy, self.started = process_ticks(), busy_ticks(), time.monotonic()

    def stop(self) -> tuple[int, float, float]:
        """(ticks of `roots`' processes, share of the CPUs others used, seconds elapsed)."""
        snapshot, busy, elapsed = process_ticks(), busy_ticks(), time.monotonic() - self.started
        roots_ticks = tree_ticks(snapshot, self.roots) - tree_ticks(self.snapshot, self.roots)
        ours = tree_ticks(snapshot, {os.getpid()}) - tree_ticks(self.snapshot, {os.getpid()})
        return roots_ticks, share_of_cpus(busy - self.busy - ours, elapsed), elapsed


def wait_until_quiet(most: float = 0.10, seconds: int = 60) -> float:
    """Wait (up to `seconds`) until other work uses at most `most` of the CPUs for 3 s."""
    deadline = time.monotonic() + seconds
    while True:
        watch = CpuWatch(set())
        time.sleep(3)
        _, others, _ = watch.stop()
        if others <= most or time.monotonic() > deadline:
            return others


def run_variant(env: dict, overrides: dict, seconds: int, connections: int, log_path) -> dict:
    port = free_port()
    env = {**env, **overrides, "GUNICORN_BIND": f"{HOST}:{port}"}
    if env.get("GUNICORN_ACCESSLOG") == FILE:
        env["GUNICORN_ACCESSLOG"] = str(log_path.with_suffix(".access.log"))
    base = f"http://{HOST}:{port}"
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "awards_site.wsgi"],
            cwd=env.get("SERVING_ROOT") or ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        collector = subprocess.Popen(["cat"], stdin=server.stdout, stdout=log)
        server.stdout.close()
        try:
            wait_until_healthy(f"{base}/bench/floor/", server)
            wrk(f"{base}/bench/floor/", {}, 2, connections)
            watch = CpuWatch({server.pid, collector.pid})
            result = wrk(f"{base}/bench/floor/", {}, seconds, connections)
            server_ticks, others, elapsed = watch.stop()
            requests = result["rps"] * elapsed
            return {
                **result,
                "server_cpu_ms_per_request": server_ticks * 1000 / os.sysconf("SC_CLK_TCK") / requests,
                "others_cpu": others,
            }
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            collector.wait(timeout=10)


def main() -> int:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    seconds, connections = setting("SERVING_SECONDS", 10), setting("SERVING_CONNECTIONS", 16)
    rounds = setting("SERVING_ROUNDS", 3)
    variants = [v for v in VARIANTS if re.search(os.environ.get("SERVING_ONLY", ""), v[0])]
    if before := os.environ.get("SERVING_BEFORE_ROOT"):  # a checkout of an earlier commit
        variants.insert(0, ("earlier commit's defaults", {"SERVING_ROOT": before}))
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"sqlite:///{results_dir / 'serving.sqlite3'}",
        "REDIS_URL": "",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
    }
    manage(env, "migrate", "--noinput", "-v0")
    print(f"wrk: {connections} connections, {seconds} s a run, {rounds} rounds; {machine()}")
    runs = {label: [] for label, _ in variants}
    for round_number in range(1, rounds + 1):
        for label, overrides in variants:
            name = f"serving-{stamp}-{re.sub(r'[^a-z0-9]+', '-', label)}-{round_number}.log"
            wait_until_quiet()
            result = run_variant(env, overrides, seconds, connections, results_dir / name)
            runs[label].append(result)
            rps, p99, cpu = result["rps"], result["p99_ms"], result["server_cpu_ms_per_request"]
            print(
                f"  {round_number}: {label:42} {rps:6.0f} req/s  p99 {p99:6.1f} ms  {cpu:.3f} CPU ms/request"
                f"  (others: {result['others_cpu']:.0%})"
            )
    print(f"\n{'variant':42} {'req/s':>6} {'p99 ms':>7} {'CPU ms/request':>15}  median of {rounds}")
    for label, results in runs.items():
        keys = ("rps", "p99_ms", "server_cpu_ms_per_request")
        rps, p99, cpu = (statistics.median(r[key] for r in results) for key in keys)
        print(f"{label:42} {rps:6.0f} {p99:7.1f} {cpu:15.3f}")
    report = {"machine": machine(), "seconds": seconds, "connections": connections, "runs": runs}
    (results_dir / f"serving-{stamp}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
