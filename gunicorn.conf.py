"""gunicorn settings for production (`make serve`, docs/deploy.md). Override with GUNICORN_* vars.

Sync workers, two per core plus one: the app is database-bound and short requests are its job.
The access log carries no client address, user agent or query string (personal data) but does
carry the request id, so a line can be matched to the application's own log lines. Its path is
the one the client sent, still percent-encoded, so no request can write a second line
(awards_site/logs.py). On stdout its lines go out in batches (GUNICORN_ACCESSLOG_FLUSH_SECONDS):
a write per request wakes the log reader (journald) as often (docs/performance.md, "Serving").
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2 * cores + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker stuck this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # time to finish requests on restart
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # seconds; behind nginx or a load balancer
# Recycle workers now and then so a slow leak cannot grow without bound (0 turns it off, as
# the soak test does to measure growth honestly). Rarely: a new worker imports Django and the
# site again and warms up, which every few thousand requests cost a busy server much of its
# capacity (docs/performance.md, "Serving").
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat off slow disks
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# `-` stdout (in batches), a file path (line by line; reopened on USR1), or `off`.
_accesslog = os.environ.get("GUNICORN_ACCESSLOG") or "-"
accesslog = None if _accesslog == "off" else _accesslog
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
logger_class = "awards_site.logs.AccessLogger"

if os.environ.get("LOG_FORMAT", "text").lower() == "json":
    # The same JSON lines as the application (awards_site/settings.py LOGGING); the access line
    # becomes the "message", properly escaped.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
    if accesslog not in (None, "-"):  # a file, reopened on USR1 like gunicorn's own
        logconfig_dict["handlers"]["access_file"] = {
            "class": "logging.FileHandler",
            "filename": accesslog,
            "formatter": "json",
        }
        logconfig_dict["loggers"]["gunicorn.access"]["handlers"] = ["access_file"]
