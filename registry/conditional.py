"""Conditional GET and response caching for everything public: API, feeds and pages (SPEC §3, §6).

One module, used by the API (`registry.api.conditional.ConditionalGetMixin`), the feeds and the
calendar (`conditional`, through `feeds.feed_endpoint`) and every public HTML page
(`@conditional`). The validators come from one query (`public_state()`), never from the response
body, so a 304 is answered before the endpoint runs its own queries. The query is built from the
visibility-rule QuerySet methods, so an edit to anything not public moves nothing, and reads,
each as an index-friendly "newest row" or a count of a small table:

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

Rendered bodies are kept in Django's cache (Redis when REDIS_URL is set) under a key made of the
state token and the URL, so any public change, or an embargo lifting, makes a new key: nothing
needs invalidating. The paginators' counts are cached the same way (`CachedCountPaginator`).

The public state and the stored bodies are also kept in this process (`LocalCopies`, at most
`LOCAL_CACHE_ENTRIES`), in front of the shared cache: a repeat request then costs no round trip
at all. A stored body never goes stale (its key is its ETag); the state is kept locally only
until `API_VALIDATOR_TTL` seconds after it was read from the database, as the shared copy is.
"""

import datetime
import hashlib
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Exists, F, Func, OuterRef
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.http import http_date

from .models import (
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
REPRESENTATION_VERSION = "2"


@dataclass(frozen=True)
class PublicState:
    token: str  # changes whenever anything public may have changed
    last_modified: datetime.datetime | None
    next_publication: datetime.datetime | None
    read_at: float = 0.0  # time.time() when read from the database

    def is_fresh(self, now: datetime.datetime, ttl: int) -> bool:
        """Reusable at `now`: read less than `ttl` seconds ago, and no scheduled publication since."""
        return now.timestamp() - self.read_at < ttl and (
            self.next_publication is None or self.next_publication > now
        )


def _newest(queryset, field):
    return queryset.order_by(f"-{field}").values(field)[:1]


def _count(queryset):
    # A plain COUNT function rather than the Count aggregate: no GROUP BY, exactly one row.
    return queryset.order_by().annotate(rows=Func(F("pk"), function="COUNT")).values("rows")


def _sources(now):
    """(timestamps, counts, upcoming times): single-value querysets over what the public can see."""
    awards = Nomination.objects.public(now)
    editions = Edition.objects.published(now)
    programs = Program.objects.filter(Exists(editions.filter(program=OuterRef("pk"))))
    recipients = Nominee.objects.recipients(now)
    ceremonies = Ceremony.objects.public(now)
    announcements = Announcement.objects.published(now)
    # Conferring bodies first: PostgreSQL then skips the recipients test for them, which would
    # otherwise scan every nominee for a body that has no members (0.4 s at 100,000 awards).
    organizations = Organization.objects.filter(
        Exists(programs.filter(conferred_by=OuterRef("pk")))
        | Exists(recipients.filter(affiliation=OuterRef("pk")))
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
        read_at=time.time(),
    )


PUBLIC_STATE_KEY = "public-state"


class LocalCopies:
    """This process's copies of shared-cache values, least recently used dropped first.

    A dict, not a local-memory cache backend: values are kept as they are (no pickling, the
    stored bodies are immutable bytes) and each has its own expiry time.
    """

    def __init__(self):
        self._values = OrderedDict()  # key -> (expires at, value)
        self._lock = threading.Lock()  # for gunicorn's threaded workers

    def get(self, key):
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                del self._values[key]
                return None
            self._values.move_to_end(key)
            return found[1]

    def set(self, key, value, timeout: float) -> None:
        with self._lock:
            self._values[key] = (time.monotonic() + timeout, value)
            self._values.move_to_end(key)
            while len(self._values) > settings.LOCAL_CACHE_ENTRIES:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


local_copies = LocalCopies()


def shared_public_state() -> PublicState:
    """`public_state()`, reused for up to `API_VALIDATOR_TTL` seconds (0: never) after it was read.

    This process's copy first, then the shared cache's, then the database. Reuse delays an
    edit's effect on the validators by at most the TTL, but never a scheduled publication: a
    state is not reused once its `next_publication` has come.
    """
    ttl = settings.API_VALIDATOR_TTL
    if not ttl:
        return public_state()
    now = timezone.now()
    state = local_copies.get(PUBLIC_STATE_KEY)
    if state is None or not state.is_fresh(now, ttl):
        state = cache.get(PUBLIC_STATE_KEY)
        if state is None or not state.is_fresh(now, ttl):
            state = public_state(now)
            cache.set(PUBLIC_STATE_KEY, state, timeout=ttl)
        local_copies.set(PUBLIC_STATE_KEY, state, timeout=ttl)
    return state


def max_age(state: PublicState, now: datetime.datetime | None = None, ttl: int | None = None) -> int:
    """The configured max-age (or `ttl`), cut short so no cache outlives the next scheduled publication."""
    age = settings.API_CACHE_MAX_AGE if ttl is None else ttl
    if state.next_publication is not None:
        seconds_left = (state.next_publication - (now or timezone.now())).total_seconds()
        age = min(age, max(0, math.floor(seconds_left)))
    return age


def etag_for(state: PublicState, request, variant: str = "") -> str:
    # The body depends on the data, the full URL (absolute links, filters, page) and the format.
    key = f"{state.token}|{request.build_absolute_uri()}|{variant}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def http_timestamp(state: PublicState) -> int:
    # HTTP dates have whole seconds; If-Modified-Since compares against the value we sent.
    return int(state.last_modified.timestamp()) if state.last_modified else 0


def set_validators(response, etag: str, timestamp: int) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)


# Headers of a 200 worth keeping with its cached body.
CACHED_HEADERS = ("Content-Type", "Link", "Content-Disposition", "Content-Language", "Vary", "Allow")


def kept(key: str, local_timeout: float):
    """A value keyed by what it was computed from: this process's copy, else the shared cache's
    (then copied here for up to `local_timeout` seconds), else None."""
    value = local_copies.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            local_copies.set(key, value, timeout=local_timeout)
    return value


def keep(key: str, value, timeout: float) -> None:
    """`value` in the shared cache and in this process, for `timeout` seconds."""
    cache.set(key, value, timeout=timeout)
    local_copies.set(key, value, timeout=timeout)


def stored_response(etag: str) -> HttpResponse | None:
    """The 200 kept under `etag`, if this process or the shared cache still holds it."""
    stored = kept("response:" + etag.strip('"'), settings.PUBLIC_RESPONSE_CACHE_TTL)
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def store_response(etag: str, response, timeout: int) -> None:
    """Keep a rendered 200 under its ETag (which changes with the public data) for `timeout` s."""
    if response.status_code != 200 or response.streaming or response.cookies or not timeout:
        return
    if "Cookie" in response.get("Vary", ""):  # it depends on who asks: not shareable
        return
    headers = {name: response[name] for name in CACHED_HEADERS if name in response}
    keep("response:" + etag.strip('"'), (response.content, headers), timeout)


# Revalidate on every use: a stored answer must never outlive an embargo.
CACHE_CONTROL = "public, no-cache"


def conditional(view=None, *, daily=False):
    """View decorator: a 304 (or the stored 200) before the view runs; validators on its answer.

    Rendered 200s are kept for `PUBLIC_RESPONSE_CACHE_TTL` seconds (0: never) under their ETag.
    Only anonymous requests read or fill the stored copies. `daily=True` for a page that also
    changes with the date (upcoming ceremonies become past ones at midnight with no data change):
    the date is part of its ETag, and its Last-Modified is never before the day began.
    """
    if view is None:
        return lambda view: conditional(view, daily=daily)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        state = request.public_state = shared_public_state()  # also for CachedCountPaginator
        if daily:
            today = timezone.localdate()
            etag = etag_for(state, request, today.isoformat())
            midnight = datetime.datetime.combine(
                today, datetime.time(), tzinfo=timezone.get_current_timezone()
            )
            timestamp = max(http_timestamp(state), int(midnight.timestamp()))
        else:
            etag, timestamp = etag_for(state, request), http_timestamp(state)
        response = get_conditional_response(request, etag=etag, last_modified=timestamp)
        # Without a session cookie nobody is signed in: the session need not be read (nor the
        # answer vary by Cookie, as the pages show everyone the same).
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES or not getattr(
            getattr(request, "user", None), "is_authenticated", False
        )
        ttl = settings.PUBLIC_RESPONSE_CACHE_TTL
        if response is None and anonymous and ttl:
            response = stored_response(etag)
        if response is None:
            response = view(request, *args, **kwargs)
            if anonymous:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                store_response(etag, response, max_age(state, ttl=ttl))
        if response.status_code in (200, 304):
            set_validators(response, etag, timestamp)
            response["Cache-Control"] = CACHE_CONTROL
        return response

    return wrapper


# Seconds a count is kept (it is keyed by the public state, so this only bounds memory use).
COUNT_CACHE_TTL = 600


def _is_about_now(value) -> bool:
    """A query parameter that is the current time (SQLite gets datetimes as text)."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-":
        try:
            value = _as_datetime(value)
        except ValueError:  # looked like a date, is not one
            return False
    if not isinstance(value, datetime.datetime):
        return False
    return abs(value - timezone.now()) < datetime.timedelta(minutes=1)


class CachedCountPaginator(Paginator):
    """A Paginator whose count is kept in the cache under the public state and the query's SQL.

    Counting 100,000 public awards reads every one of them; the count can only change when the
    public state does, and its token is part of the key. Without a state (`None`), a plain count.
    """

    def __init__(self, *args, state: PublicState | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.state = state

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if self.state is None or query is None:
            return super().count
        sql, params = query.sql_with_params()
        # The visibility rule's "now" differs on every request, but the count can only change
        # with it when a publication time passes, and that changes the state token.
        params = ["now" if _is_about_now(p) else p for p in params]
        key = "count:" + hashlib.sha256(f"{self.state.token}|{sql}|{params!r}".encode()).hexdigest()
        timeout = max_age(self.state, ttl=COUNT_CACHE_TTL)
        count = kept(key, timeout)
        if count is None:
            count = super().count
            if timeout:
                keep(key, count, timeout)
        return count
