"""Log lines a client cannot forge: a request is one line in gunicorn's access log and in the
application's log, whatever its path holds (awards_site/logs.py)."""

import copy
import datetime
import io
import json
import logging
import logging.config
import runpy
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from awards_site.logs import escape_controls
from awards_site.middleware import RequestIdFilter

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
FORGED_LINE = "2026-01-05 12:00:00,000 INFO django.request [-] forged"


def gunicorn_access_log(raw_request: bytes, tmp_path) -> str:
    """What gunicorn, configured by gunicorn.conf.py, writes to its access log for `raw_request`."""
    cfg = Config()
    for name, value in runpy.run_path(str(GUNICORN_CONF)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    access_log = tmp_path / "access.log"
    cfg.set("accesslog", str(access_log))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    peer = ("203.0.113.5", 50000)
    request = next(RequestParser(cfg, iter([raw_request]), peer))
    with socket.socket() as unused:
        response, environ = wsgi.create(request, unused, peer, ("127.0.0.1", 8000), cfg)
    response.status = "404 Not Found"
    response.headers = [("X-Request-ID", "0123abcd")]
    response.sent = 9
    logger = cfg.logger_class(cfg)
    try:
        logger.access(response, request, environ, datetime.timedelta(milliseconds=3))
    finally:
        for log in (logger.error_log, logger.access_log):
            for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
                handler.close()
                log.removeHandler(handler)
    return access_log.read_text()


def test_gunicorn_access_log_writes_an_encoded_line_break_as_sent_on_one_line(tmp_path):
    path = "/x%0d%0a" + FORGED_LINE.replace(" ", "%20")
    raw = f"GET {path}?q=private HTTP/1.1\r\nHost: a\r\n\r\n".encode()

    written = gunicorn_access_log(raw, tmp_path)

    assert "\r" not in written
    assert written.count("\n") == 1  # one request, one line
    assert '"GET /x%0d%0a2026-01-05%2012:00:00,000%20INFO' in written
    assert "private" not in written  # still no query string
    assert "request_id=0123abcd" in written


def test_escape_controls_leaves_printable_text_alone():
    assert escape_controls("Not Found: /awards/2024/ é ✓") == "Not Found: /awards/2024/ é ✓"
    assert escape_controls("a\r\nb\x1b[31m\u2028c") == "a\\r\\nb\\x1b[31m\\u2028c"


@contextmanager
def app_log(format_name: str):
    """What the application's console handler writes (settings.LOGGING) in `format_name`."""
    formatter_config = copy.deepcopy(settings.LOGGING["formatters"][format_name])
    formatter = logging.config.DictConfigurator({}).configure_formatter(formatter_config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter)
    loggers = [logging.getLogger("django"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@pytest.mark.django_db
@pytest.mark.parametrize("format_name", ["text", "json"])
def test_a_request_for_a_path_with_an_encoded_line_break_logs_one_line(client, format_name):
    with app_log(format_name) as written:
        response = client.get("/x%0d%0a" + FORGED_LINE.replace(" ", "%20"))

    assert response.status_code == 404
    lines = written.getvalue().splitlines()
    assert len(lines) == 1
    assert "\r" not in written.getvalue()
    assert "forged" in lines[0]


def test_text_log_escapes_a_line_break_in_any_message_and_indents_the_traceback():
    with app_log("text") as written:
        try:
            raise ValueError(f"bad value\n{FORGED_LINE}")
        except ValueError:
            logging.getLogger("registry").exception("Could not import %s", f"row\r\n{FORGED_LINE}")

    first, *traceback = written.getvalue().splitlines()
    assert first.endswith(f"Could not import row\\r\\n{FORGED_LINE}")
    assert traceback[0] == "  Traceback (most recent call last):"
    assert traceback[-1] == f"  {FORGED_LINE}"  # the exception's second line, indented
    assert all(line.startswith("  ") for line in traceback)  # only the first line starts a record


def test_json_log_is_one_object_per_line_whatever_the_message():
    with app_log("json") as written:
        logging.getLogger("registry").warning("Rejected %s", f"row\r\n{FORGED_LINE}\u2028")

    (line,) = written.getvalue().splitlines()
    assert json.loads(line)["message"] == f"Rejected row\r\n{FORGED_LINE}\u2028"
