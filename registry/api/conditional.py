"""Conditional GET for the public read endpoints (SPEC §6): ETag, Last-Modified, 304, Cache-Control.

The validators come from one query (`public_state()`), never from the response body, so a 304
is answered before the endpoint runs its own queries. The query is built from the same public
querysets as the endpoints (the visibility rule), so an edit to anything not public moves
nothing, and reads, each as an index-friendly "newest row" or a count of a small table:

- the newest `updated_at` of the public rows of every table a representation is built from,
- how many public rows the small tables hold (a deletion or an unpublishing changes a count),
  and when a public award was last deleted (from its history),
- for each scheduled publication time (edition results, announcements, ceremony announcements):
  the newest time already past, and the next one to come.

A scheduled publication going live changes the newest past time at that very moment with
nothing written to the database, so no stale 304 survives an embargo; and `max-age` never
reaches past the next scheduled publication, so no shared cache keeps the pre-embargo answer.
(The price: in the last `max-age` seconds before it, a shrinking max-age tells that some
publication is imminent, though not what.)
"""

import datetime
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Exists, F, Func, OuterRef
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
)
from .querysets import public_programs

# Bump when the representation changes without a data change, so clients do not keep old shapes.
REPRESENTATION_VERSION = "1"


@dataclass(frozen=True)
class PublicState:
    token: str  # changes whenever anything public may have changed
    last_modified: datetime.datetime | None
    next_publication: datetime.datetime | None


def _newest(queryset, field):
    return queryset.order_by(f"-{field}").values(field)[:1]


def _count(queryset):
    # A plain COUNT function rather than the Count aggregate: no GROUP BY, exactly one row.
    return queryset.order_by().annotate(rows=Func(F("pk"), function="COUNT")).values("rows")


def _sources(now):
    """(timestamps, counts, upcoming times): single-value querysets over what the public can see."""
    awards = Nomination.objects.public(now)
    editions = Edition.objects.published(now)
    programs = public_programs(now)
    recipients = Nominee.objects.recipients(now)
    ceremonies = Ceremony.objects.public(now)
    announcements = Announcement.objects.published(now)
    organizations = Organization.objects.filter(
        Exists(recipients.filter(affiliation=OuterRef("pk")))
        | Exists(programs.filter(conferred_by=OuterRef("pk")))
    )
    categories = Category.objects.filter(program__in=programs)
    deleted_awards = Nomination.history.filter(
        history_type="-", status=Nomination.Status.AWARDED, edition__results_published_at__lte=now
    )
    timestamps = [
        *(
            _newest(queryset, "updated_at")
            for queryset in (
                awards,
                editions,
                programs,
                categories,
                recipients,
                organizations,
                ceremonies,
                announcements,
                Achievement.objects.filter(nomination__in=awards),
                Presentation.objects.filter(nomination__in=awards),
            )
        ),
        _newest(deleted_awards, "history_date"),
        _newest(editions, "results_published_at"),
        _newest(announcements, "published_at"),
        _newest(Ceremony.objects.filter(announced_at__lte=now), "announced_at"),
    ]
    counts = [_count(q) for q in (editions, programs, categories, organizations, ceremonies, announcements)]
    upcoming = [
        queryset.filter(**{f"{field}__gt": now}).order_by(field).values(field)[:1]
        for queryset, field in (
            (Edition.objects.all(), "results_published_at"),
            (Announcement.objects.all(), "published_at"),
            (Ceremony.objects.all(), "announced_at"),
        )
    ]
    return timestamps, counts, upcoming


def _as_datetime(value) -> datetime.datetime | None:
    # SQLite hands back text for an aggregate over a datetime column.
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


# Compiling ~20 ORM querysets costs far more than running them, so the statement is compiled once
# per database with a stand-in time, whose parameter slots then take each request's `now`.
_STAND_IN_NOW = datetime.datetime(2000, 1, 1, 0, 0, 0, 123457, tzinfo=datetime.UTC)
_statements = {}


def _statement(alias: str):
    if alias not in _statements:
        timestamps, counts, upcoming = _sources(_STAND_IN_NOW)
        columns, params = [], []
        for queryset in [*timestamps, *counts, *upcoming]:
            sql, query_params = queryset.query.get_compiler(using=alias).as_sql()
            columns.append(f"({sql})")
            params.extend(query_params)
        stand_in = connections[alias].ops.adapt_datetimefield_value(_STAND_IN_NOW)
        now_slots = [i for i, value in enumerate(params) if value == stand_in]
        sizes = (len(timestamps), len(counts))
        _statements[alias] = ("SELECT " + ", ".join(columns), params, now_slots, sizes)
    return _statements[alias]


def public_state(now: datetime.datetime | None = None) -> PublicState:
    """Everything the public representations depend on, read in one query."""
    # The database the public reads go to (a replica, if a router says so), so that the
    # validators never run ahead of the data they stand for.
    alias = router.db_for_read(Nomination)
    sql, params, now_slots, (n_timestamps, n_counts) = _statement(alias)
    params = list(params)
    db_now = connections[alias].ops.adapt_datetimefield_value(now or timezone.now())
    for slot in now_slots:
        params[slot] = db_now
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    changed = [_as_datetime(v) for v in row[:n_timestamps]]
    counted = row[n_timestamps : n_timestamps + n_counts]
    next_times = [_as_datetime(v) for v in row[n_timestamps + n_counts :]]
    token = "|".join(
        [REPRESENTATION_VERSION, *(v.isoformat() if v else "-" for v in changed), *map(str, counted)]
    )
    return PublicState(
        token=token,
        last_modified=max(filter(None, changed), default=None),
        next_publication=min(filter(None, next_times), default=None),
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
