"""Request plumbing for production: a request id on every log line, and a friendly 503 instead of
a traceback while the database is unreachable."""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# A proxy's id (nginx `$request_id`) is kept if it is short and plain, so it cannot inject into logs.
_PLAIN_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

RETRY_AFTER_SECONDS = 30


class RequestIdMiddleware:
    """Give each request an id, available to logging while it runs and echoed as X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _PLAIN_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared by request_finished, not here: Django logs 4xx/5xx after the middleware returns.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _clear_request_id(**kwargs):
    request_id_var.set("-")


request_finished.connect(_clear_request_id, dispatch_uid="awards_site.clear_request_id")


class RequestIdFilter(logging.Filter):
    """Stamp every log record with the current request's id ("-" outside a request)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


def service_unavailable(request) -> HttpResponse:
    """503 with a friendly page (or JSON under /api/), rendered without touching the database."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The service is temporarily unavailable. Please try again shortly."}, status=503
        )
    else:
        try:
            # A plain context, not a RequestContext: context processors could query the
            # session or user tables.
            context = {
                "request": request,
                "title": "Temporarily unavailable",
                "description": "The Awards Registry is briefly unavailable.",
            }
            html = render_to_string("503.html", context)
        except Exception:  # the friendly page must never turn into a 500 itself
            logger.exception("Could not render 503.html")
            html = "<!doctype html><title>Temporarily unavailable</title><h1>Temporarily unavailable</h1>"
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 (retry soon) instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # The class and message name the failure (host, port); they hold no password or row data.
        logger.error("Database unavailable, answering 503: %s: %s", type(exception).__name__, exception)
        return service_unavailable(request)
