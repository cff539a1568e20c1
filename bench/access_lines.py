#!/usr/bin/env python3
"""CPU per access-log line, without a server: building it, then writing it to a pipe that `cat`
reads (as journald or a container runtime reads gunicorn's stdout), log reader included.

Run from the project folder: `.venv/bin/python bench/access_lines.py` (docs/performance.md,
"Serving"). Each figure is the median of 5 rounds of LINES (20,000) lines.
"""

import datetime
import logging
import os
import resource
import runpy
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gunicorn.config import Config  # noqa: E402
from gunicorn.glogging import Logger  # noqa: E402
from gunicorn.http import wsgi  # noqa: E402
from gunicorn.http.parser import RequestParser  # noqa: E402

from awards_site.logs import BatchedStreamHandler  # noqa: E402

LINES = int(os.environ.get("LINES") or 20_000)
REQUEST = b"GET /bench/floor/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n"
RESPONSE_HEADERS = [
    ("Content-Type", "text/plain"),
    ("X-Frame-Options", "DENY"),
    ("Vary", "Cookie"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Content-Security-Policy", "default-src 'self'"),
    ("X-Request-ID", "0123456789abcdef0123456789abcdef"),
]


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def microseconds_per_line(run) -> float:
    rounds = []
    for _ in range(5):
        started = cpu_seconds()
        run()
        rounds.append((cpu_seconds() - started) / LINES * 1e6)
    return statistics.median(rounds)


def build_lines(logger_class) -> float:
    """Building each line: the logger's access() with its handlers writing to /dev/null."""
    cfg = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    cfg.set("accesslog", os.devnull)
    peer = ("127.0.0.1", 50000)
    request = next(RequestParser(cfg, iter([REQUEST]), peer))
    with socket.socket() as unused:
        response, environ = wsgi.create(request, unused, peer, ("127.0.0.1", 8000), cfg)
    response.status, response.headers, response.sent = "200 OK", RESPONSE_HEADERS, 2
    logger, elapsed = logger_class(cfg), datetime.timedelta(milliseconds=3)
    return microseconds_per_line(
        lambda: [logger.access(response, request, environ, elapsed) for _ in range(LINES)]
    )


def write_lines(mode: str) -> float:
    """Writing each line to a pipe and `cat` reading it: one write per line (`line`), in batches
    (`batched`), or not at all (`none`: the loop's own cost, subtracted from the others)."""

    def run():
        reader, writer = os.pipe()
        cat = subprocess.Popen(["cat"], stdin=reader, stdout=subprocess.DEVNULL)
        os.close(reader)
        stream = os.fdopen(writer, "w")
        handler = {
            "line": lambda: logging.StreamHandler(stream),
            "batched": lambda: BatchedStreamHandler(stream, flush_seconds=60),
            "none": logging.NullHandler,
        }[mode]()
        line = f'[01/Dec/2026:12:00:00 +0000] "GET /bench/floor/ HTTP/1.1" 200 2 3ms request_id={"0" * 32}'
        record = logging.makeLogRecord({"msg": line})
        for _ in range(LINES):
            handler.handle(record)
            time.sleep(0)  # let the reader run between requests, as it does beside a server
        handler.flush()
        stream.close()
        cat.wait()

    return microseconds_per_line(run)


def main() -> int:
    from awards_site.logs import AccessLogger

    print(f"CPU microseconds per access line (median of 5 x {LINES:,} lines), log reader included:")
    print(f"  build: gunicorn's own line             {build_lines(Logger):6.1f}")
    print(f"  build: awards_site.logs.AccessLogger   {build_lines(AccessLogger):6.1f}")
    loop = write_lines("none")
    print(f"  write to a pipe, one write per line    {write_lines('line') - loop:6.1f}")
    print(f"  write to a pipe, in batches            {write_lines('batched') - loop:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
