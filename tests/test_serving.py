"""gunicorn.conf.py: its defaults are the ones docs/deploy.md lists, the environment overrides
them, and the access log's lines reach stdout in batches (awards_site/logs.py)."""

import logging
import os
import re
import runpy
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from awards_site.logs import BatchedStreamHandler

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
# The variables docs/deploy.md lists, and the gunicorn setting each one sets.
SETTINGS = {
    "GUNICORN_BIND": "bind",
    "GUNICORN_THREADS": "threads",
    "GUNICORN_TIMEOUT": "timeout",
    "GUNICORN_GRACEFUL_TIMEOUT": "graceful_timeout",
    "GUNICORN_KEEPALIVE": "keepalive",
    "GUNICORN_MAX_REQUESTS": "max_requests",
    "GUNICORN_MAX_REQUESTS_JITTER": "max_requests_jitter",
    "GUNICORN_FORWARDED_ALLOW_IPS": "forwarded_allow_ips",
    "GUNICORN_ACCESSLOG": "accesslog",
}


def gunicorn_conf(monkeypatch, **environ) -> dict:
    """The values gunicorn.conf.py sets with only `environ` among the GUNICORN_* variables."""
    for name in [name for name in os.environ if name.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def documented_defaults() -> dict[str, str]:
    """{variable: default} from the table of docs/deploy.md (`NAME`, `NAME2` | `default`, `default2`)."""
    defaults = {}
    for line in (ROOT / "docs" / "deploy.md").read_text().splitlines():
        cells = line.split("|")
        if len(cells) > 3 and "`GUNICORN_" in cells[1]:
            names, values = re.findall(r"`(GUNICORN_\w+)`", cells[1]), re.findall(r"`([^`]*)`", cells[2])
            if len(names) == len(values):
                defaults.update(zip(names, values, strict=True))
    return defaults


def test_the_defaults_are_the_ones_docs_deploy_lists(monkeypatch):
    documented = documented_defaults()
    conf = gunicorn_conf(monkeypatch)

    assert set(SETTINGS) <= set(documented), "a variable is missing from docs/deploy.md"
    assert {name: str(conf[setting]) for name, setting in SETTINGS.items()} == {
        name: documented[name] for name in SETTINGS
    }
    assert documented["GUNICORN_ACCESSLOG_FLUSH_SECONDS"] == "1"  # read by awards_site.logs.AccessLogger


def test_workers_are_recycled_now_and_then_and_the_access_log_is_on_by_default(monkeypatch):
    conf = gunicorn_conf(monkeypatch)

    assert conf["max_requests"] == 100_000
    assert conf["max_requests_jitter"] == 10_000
    assert conf["accesslog"] == "-"
    assert conf["logger_class"] == "awards_site.logs.AccessLogger"
    assert "request_id=%({x-request-id}o)s" in conf["access_log_format"]


def test_the_environment_overrides_recycling_and_the_access_log(monkeypatch):
    conf = gunicorn_conf(
        monkeypatch, GUNICORN_MAX_REQUESTS="0", GUNICORN_MAX_REQUESTS_JITTER="0", GUNICORN_ACCESSLOG="off"
    )
    assert (conf["max_requests"], conf["max_requests_jitter"], conf["accesslog"]) == (0, 0, None)

    conf = gunicorn_conf(monkeypatch, GUNICORN_ACCESSLOG="/var/log/awards-registry/access.log")
    assert conf["accesslog"] == "/var/log/awards-registry/access.log"

    conf = gunicorn_conf(monkeypatch, GUNICORN_ACCESSLOG="")  # empty: the default, as for the others
    assert conf["accesslog"] == "-"


ACCESS_HANDLERS = """
import logging, sys
from gunicorn.config import Config
sys.path.insert(0, ".")
cfg = Config()
for name, value in __import__("runpy").run_path("gunicorn.conf.py").items():
    if name in cfg.settings:
        cfg.set(name, value)
logger = cfg.logger_class(cfg)
print(logger.access_log_enabled, *[type(h).__name__ for h in logger.access_log.handlers])
"""


def access_handlers(**environ) -> str:
    """Whether gunicorn, configured by gunicorn.conf.py with `environ`, logs access, and how.

    In a process of its own: the JSON format's `logconfig_dict` reconfigures all of logging.
    """
    environ = {**{k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}, **environ}
    done = subprocess.run(
        [sys.executable, "-c", ACCESS_HANDLERS],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_access_lines_on_stdout_are_batched_unless_flush_seconds_is_0(log_format):
    assert access_handlers(LOG_FORMAT=log_format) == "True BatchedStreamHandler"
    assert (
        access_handlers(LOG_FORMAT=log_format, GUNICORN_ACCESSLOG_FLUSH_SECONDS="0") == "True StreamHandler"
    )


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_access_log_off_is_off_and_a_file_is_a_file_in_either_format(log_format, tmp_path):
    assert access_handlers(LOG_FORMAT=log_format, GUNICORN_ACCESSLOG="off").startswith("False")
    to_file = access_handlers(LOG_FORMAT=log_format, GUNICORN_ACCESSLOG=str(tmp_path / "access.log"))
    assert to_file == "True FileHandler"


@pytest.fixture
def pipe_writes(monkeypatch):
    """A pipe's reading end, a handler writing to the other, and the bytes of each write."""
    reader, writer = os.pipe()
    writes = []
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: writes.append(data) or real_write(fd, data))

    def handler(flush_seconds: float) -> BatchedStreamHandler:
        return BatchedStreamHandler(os.fdopen(writer, "w"), flush_seconds=flush_seconds)

    yield reader, handler, writes
    os.close(reader)


def log_line(handler, text: str) -> None:
    handler.handle(logging.makeLogRecord({"msg": text}))


def test_batched_lines_wait_and_go_in_one_write(pipe_writes):
    reader, handler, writes = pipe_writes
    batched = handler(flush_seconds=60)

    for number in range(3):
        log_line(batched, f"line {number}")
    assert writes == []
    batched.flush()  # as the flusher thread does every flush_seconds, and the worker at exit

    assert writes == [b"line 0\nline 1\nline 2\n"]
    assert os.read(reader, 4096) == b"line 0\nline 1\nline 2\n"


def test_a_batched_line_is_written_at_the_latest_flush_seconds_after_it_came(pipe_writes):
    reader, handler, writes = pipe_writes
    log_line(handler(flush_seconds=0.05), "alone")

    deadline = time.monotonic() + 5
    while not writes and time.monotonic() < deadline:
        time.sleep(0.01)
    assert os.read(reader, 4096) == b"alone\n"


def test_a_batch_never_exceeds_pipe_buf_so_workers_never_split_each_others_lines(pipe_writes):
    _, handler, writes = pipe_writes
    batched = handler(flush_seconds=60)

    for number in range(200):  # about 12 KB: the pipe holds it all
        log_line(batched, f"GET /awards/{number:04} 200 request_id={'x' * 32}")
    batched.flush()

    assert len(writes) > 1
    assert all(len(data) <= select.PIPE_BUF and data.endswith(b"\n") for data in writes)
    assert b"".join(writes).count(b"\n") == 200
