"""Log lines a client cannot forge.

Whatever a request carries (its path, its headers, a value quoted in an error) is written with
its control characters escaped, so `%0d%0a` in a URL cannot start a line of its own: in the text
format a line that does not start with a space is always the start of one record. The JSON
format needs no help, its encoder escapes them.
"""

import atexit
import logging
import os
import re
import select
import sys
import threading
import time
import traceback

from gunicorn.glogging import Logger as GunicornLogger

# C0 and C1 controls, DEL and the Unicode line separators: whatever a terminal or a log viewer
# may take for the end of a line, or for a command.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """`text` with each control character written as a Python escape (`\\r`, `\\x1b`)."""
    return _CONTROL_CHARACTERS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def _indented(text: str) -> str:
    return "\n".join(f"  {escape_controls(line)}" for line in text.splitlines())


class TextFormatter(logging.Formatter):
    """The text format: the record on one line, a traceback or stack below it indented."""

    def formatMessage(self, record):
        return escape_controls(super().formatMessage(record))

    def formatException(self, ei):
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info):
        return _indented(super().formatStack(stack_info))


class AccessAtoms(dict):
    """The values of gunicorn's access-log format, with control characters escaped and quotes
    backslashed (as gunicorn does). Those of our format are made at once; any other (a header,
    an environ entry) only when the format asks for it: gunicorn makes every one, each request
    header, response header and environ entry, for every request.

    `%(U)s` is the path as the client sent it, still percent-encoded (gunicorn's own is the
    decoded one, where `%0d%0a` is a line break), without the query string (personal data).
    """

    def __init__(self, logger, resp, req, environ, request_time):
        status = resp.status
        raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        super().__init__(
            t=logger.now(),
            m=self._safe(environ.get("REQUEST_METHOD")),
            U=self._safe(raw_uri.partition("?")[0]),
            H=self._safe(environ.get("SERVER_PROTOCOL")),
            s=status.split(None, 1)[0] if isinstance(status, str) else status,
            B=getattr(resp, "sent", None),
            M=request_time.seconds * 1000 + request_time.microseconds // 1000,
        )
        self._request = (logger, resp, req, environ, request_time)
        self._every_atom = None

    @staticmethod
    def _safe(value):
        return escape_controls(value).replace('"', '\\"') if isinstance(value, str) else value

    def __missing__(self, key):
        name = key.lower() if key.startswith("{") else key  # header names match in any case
        logger, resp, req, environ, request_time = self._request
        if name.endswith("}o") or name.endswith("}i"):
            headers = resp.headers if name.endswith("}o") else req.headers
            value = next((v for k, v in headers if k.lower() == name[1:-2]), "-")
        else:
            if self._every_atom is None:
                self._every_atom = GunicornLogger.atoms(logger, resp, req, environ, request_time)
            value = self._every_atom.get(name, "-")
        self[key] = value = self._safe(value)
        return value


class BatchedStreamHandler(logging.StreamHandler):
    """A stream handler that writes its lines together, once `PIPE_BUF` bytes wait or at the
    latest `flush_seconds` after they came, instead of one write per line.

    Each write to a pipe wakes the process reading it (journald, a container runtime): one per
    line cost about as much as making the line (docs/performance.md, "Serving"). A batch
    never exceeds `PIPE_BUF` (unless one line does), so it reaches the pipe in one piece: workers
    sharing it never split each other's lines. A worker killed by the timeout loses at most the last
    `flush_seconds` of lines; one that exits normally writes them.
    """

    def __init__(self, stream=None, flush_seconds: float = 1.0):
        super().__init__(stream)
        self.flush_seconds = flush_seconds
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._flusher_pid = None  # the process whose flusher thread runs (none survives a fork)

    def emit(self, record):  # called with self.lock held
        try:
            line = (self.format(record) + self.terminator).encode("utf-8", "backslashreplace")
        except Exception:
            self.handleError(record)
            return
        if self._pending_size + len(line) > select.PIPE_BUF:
            self._write_pending()
        self._pending.append(line)
        self._pending_size += len(line)
        if self._flusher_pid != os.getpid():
            self._flusher_pid = os.getpid()
            threading.Thread(target=self._flush_regularly, name="access-log-flusher", daemon=True).start()
            # At exit too: logging's own flush at exit misses this handler once Django's
            # LOGGING (dictConfig) has dropped the handlers that existed before it.
            atexit.register(self.flush)

    def flush(self):
        with self.lock:
            self._write_pending()

    def _write_pending(self):
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._pending_size = 0
        try:
            self.stream.flush()  # whatever was written to the stream before, first
            while data:
                data = data[os.write(self.stream.fileno(), data) :]
        except OSError:
            pass  # a closed or full log stream must not take requests down with it

    def _flush_regularly(self):
        while True:
            time.sleep(self.flush_seconds)
            self.flush()


class AccessLogger(GunicornLogger):
    """gunicorn's logger (`gunicorn.conf.py`), with a cheaper access line that stays one line.

    The access log is on exactly when `accesslog` names a destination (also in the JSON format,
    whose `logconfig_dict` would otherwise turn it on). On stdout or stderr its lines are written
    in batches (`BatchedStreamHandler`), at the latest GUNICORN_ACCESSLOG_FLUSH_SECONDS (1) after
    they came; 0 writes each line at once.
    """

    def setup(self, cfg):
        super().setup(cfg)
        flush_seconds = float(os.environ.get("GUNICORN_ACCESSLOG_FLUSH_SECONDS") or 1)
        if flush_seconds <= 0:
            return
        for handler in list(self.access_log.handlers):
            if type(handler) is logging.StreamHandler and handler.stream in (sys.stdout, sys.stderr):
                batched = BatchedStreamHandler(handler.stream, flush_seconds)
                batched.setFormatter(handler.formatter)
                batched._gunicorn = getattr(handler, "_gunicorn", False)  # replaced on a reload
                self.access_log.removeHandler(handler)
                self.access_log.addHandler(batched)

    def _compute_access_log_enabled(self):
        return bool(self.cfg.accesslog)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            atoms = AccessAtoms(self, resp, req, environ, request_time)
            self.access_log.info(self.cfg.access_log_format, atoms)
        except Exception:
            self.error(traceback.format_exc())
