"""Conditional GET for the public read endpoints (SPEC §6): ETag, Last-Modified, 304, Cache-Control.

The validators come from one cheap query (`public_state()`), never from the response body, so a
304 is answered before the endpoint runs its own queries. The query reads:

- the newest `updated_at` of every table a public representation is built from, and the row
  counts of the small ones (a deletion changes a count),
- the newest history entry of the historised models (edits by bulk paths, deletions),
- for each scheduled publication time (edition results, announcements, ceremony announcements):
  the newest time already past, how many are past, and the next one to come.

A scheduled publication going live changes the second group at that very moment with nothing
written to the database, so no stale 304 survives an embargo; and `max-age` never reaches past
the next scheduled publication, so no shared cache keeps the pre-embargo answer either.
"""

import datetime
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from ..models import (
    Achievement,
    Announcement,
    Category,
    Ceremony,
    Edition,
    Nomination,
    Nominee,
    Organization,
    Presentation,
    Program,
)

# Bump when the representation changes without a data change, so clients do not keep old shapes.
REPRESENTATION_VERSION = "1"

UPDATED_MODELS = [
    Organization,
    Program,
    Category,
    Edition,
    Nominee,
    Nomination,
    Achievement,
    Ceremony,
    Presentation,
    Announcement,
]
COUNTED_MODELS = [Organization, Program, Category, Edition, Ceremony, Announcement]
HISTORY_MODELS = [Edition.history.model, Nomination.history.model, Announcement.history.model]
SCHEDULED_FIELDS = [
    (Edition, "results_published_at"),
    (Announcement, "published_at"),
    (Ceremony, "announced_at"),
]


@dataclass(frozen=True)
class PublicState:
    token: str  # changes whenever anything public may have changed
    last_modified: datetime.datetime | None
    next_publication: datetime.datetime | None


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _as_datetime(value) -> datetime.datetime | None:
    # SQLite hands back text for an aggregate over a datetime column.
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


def public_state(now: datetime.datetime | None = None) -> PublicState:
    """Everything the public representations depend on, read in one query."""
    now = now or timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    changed, counts, upcoming = [], [], []
    for model in UPDATED_MODELS:
        changed.append(f"(SELECT MAX({_column(model, 'updated_at')}) FROM {_table(model)})")
    for model in HISTORY_MODELS:
        changed.append(f"(SELECT MAX({_column(model, 'history_date')}) FROM {_table(model)})")
    for model in COUNTED_MODELS:
        counts.append(f"(SELECT COUNT(*) FROM {_table(model)})")
    for model, field in SCHEDULED_FIELDS:
        column, table = _column(model, field), _table(model)
        changed.append(f"(SELECT MAX({column}) FROM {table} WHERE {column} <= %s)")
        counts.append(f"(SELECT COUNT(*) FROM {table} WHERE {column} <= %s)")
        upcoming.append(f"(SELECT MIN({column}) FROM {table} WHERE {column} > %s)")
    sql = "SELECT " + ", ".join(changed + counts + upcoming)
    with connection.cursor() as cursor:
        cursor.execute(sql, [db_now] * sql.count("%s"))
        row = cursor.fetchone()
    changed_values = [_as_datetime(v) for v in row[: len(changed)]]
    count_values = row[len(changed) : len(changed) + len(counts)]
    upcoming_values = [_as_datetime(v) for v in row[len(changed) + len(counts) :]]
    token = "|".join(
        [REPRESENTATION_VERSION]
        + [v.isoformat() if v else "-" for v in changed_values]
        + [str(c) for c in count_values]
    )
    return PublicState(
        token=token,
        last_modified=max(filter(None, changed_values), default=None),
        next_publication=min(filter(None, upcoming_values), default=None),
    )


def shared_public_state() -> PublicState:
    """`public_state()`, reused from the cache for up to `API_VALIDATOR_TTL` seconds (0: never).

    Reuse delays an edit's effect on the validators by at most the TTL, but never a scheduled
    publication: a stored state is dropped once its `next_publication` has come.
    """
    ttl = settings.API_VALIDATOR_TTL
    if not ttl:
        return public_state()
    now = timezone.now()
    state = cache.get("api-public-state")
    if state is None or (state.next_publication is not None and state.next_publication <= now):
        state = public_state(now)
        cache.set("api-public-state", state, timeout=ttl)
    return state


def max_age(state: PublicState, now: datetime.datetime | None = None) -> int:
    """The configured max-age, cut short so no cache outlives the next scheduled publication."""
    age = settings.API_CACHE_MAX_AGE
    if state.next_publication is not None:
        seconds_left = (state.next_publication - (now or timezone.now())).total_seconds()
        age = min(age, max(0, math.floor(seconds_left)))
    return age


# Headers of a 200 worth keeping with its cached body.
CACHED_HEADERS = ("Content-Type", "Link", "Content-Disposition")


class ConditionalGetMixin:
    """ETag, Last-Modified and Cache-Control on GETs; a 304 (or a stored 200) before the view's queries.

    Handlers call `self.cached_response(request)` first and return its response when there is one.
    A 200 body is kept in the cache under its ETag, which changes with the data and at every
    scheduled publication, so a stored body is never served for a state it does not show.
    """

    _validators = None
    _from_cache = False

    def cached_response(self, request):
        state = shared_public_state()
        # The body depends on the data, the full URL (absolute links, filters, page) and the format.
        key = f"{state.token}|{request.build_absolute_uri()}|{request.accepted_media_type}"
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
        # HTTP dates have whole seconds; If-Modified-Since compares against the value we sent.
        last_modified = int(state.last_modified.timestamp()) if state.last_modified else 0
        self._validators = (etag, last_modified, max_age(state))
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None and (stored := cache.get(self._cache_key())):
            content, headers = stored
            response, self._from_cache = HttpResponse(content, headers=headers), True
        return response

    def _cache_key(self) -> str:
        return "api-response:" + self._validators[0].strip('"')

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 429:
            patch_cache_control(response, no_store=True)
        elif self._validators is not None:
            etag, last_modified, age = self._validators
            if response.status_code in (200, 304):
                response["ETag"] = etag
                response["Last-Modified"] = http_date(last_modified)
            patch_cache_control(response, public=True, max_age=age)
            if response.status_code == 200 and age and not self._from_cache:
                # Kept no longer than clients may keep it: bounds any change the validators miss.
                response.render()
                headers = {name: response[name] for name in CACHED_HEADERS if name in response}
                cache.set(self._cache_key(), (response.content, headers), timeout=age)
        return response
