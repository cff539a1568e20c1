"""Conditional GET and response caching for everything public: API, feeds and pages (SPEC §3, §6).

One module, used by the API (`registry.api.conditional.ConditionalGetMixin`), the feeds and the
calendar (`conditional`, through `feeds.feed_endpoint`) and every public HTML page
(`@conditional`). The validators come from the public-state token (`registry/public_state.py`),
never from the response body, so a 304 is answered before the endpoint runs its own queries. The
token moves on every write to what the public answers are made of, and at every scheduled
publication time, so no stale 304 survives a change or an embargo lifting; and `max-age` never
reaches past the next scheduled publication, so no shared cache keeps the pre-embargo answer.
(The price: in the last `max-age` seconds before it, a shrinking max-age tells that some
publication is imminent, though not what.)

Rendered bodies are kept in Django's cache (Redis when REDIS_URL is set) under a key made of the
state token and the URL, so any public change, or an embargo lifting, makes a new key: nothing
needs invalidating. The paginators' counts are cached the same way (`CachedCountPaginator`).

The public state and the stored bodies are also kept in this process (`LocalCopies`, at most
`LOCAL_CACHE_ENTRIES`), in front of the shared cache: a repeat request then costs no round trip
at all. A copy taken from the shared cache keeps the expiry time it had there. The state is
reused for at most `API_VALIDATOR_TTL` seconds after it was read from the database, the bound
on how long after a write an answer can still be the old one (docs/operations.md).
"""

import datetime
import hashlib
import math
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.functional import cached_property
from django.utils.http import http_date

from .public_state import PublicState, _as_datetime, public_state

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

    This process's copy first, then the shared cache's, then the database. Reuse delays a
    write's effect on the validators by at most the TTL, counted from the database read (a copy
    does not restart it), but never a scheduled publication: a state is not reused once its
    `next_publication` has come.
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
        local_copies.set(PUBLIC_STATE_KEY, state, timeout=state.read_at + ttl - time.time())
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


def set_validators(response, etag: str, last_modified: int | None) -> None:
    """ETag, and Last-Modified when there is one to give (`PublicState.http_last_modified`)."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)


# Headers of a 200 worth keeping with its cached body.
CACHED_HEADERS = ("Content-Type", "Link", "Content-Disposition", "Content-Language", "Vary", "Allow")


def kept(key: str):
    """A value keyed by what it was computed from: this process's copy, else the shared cache's
    (then copied here until the time it expires there), else None."""
    value = local_copies.get(key)
    if value is None:
        found = cache.get(key)
        if found is not None:
            expires_at, value = found
            local_copies.set(key, value, timeout=expires_at - time.time())
    return value


def keep(key: str, value, timeout: float) -> None:
    """`value` in the shared cache and in this process, for `timeout` seconds."""
    cache.set(key, (time.time() + timeout, value), timeout=timeout)
    local_copies.set(key, value, timeout=timeout)


def stored_response(etag: str) -> HttpResponse | None:
    """The 200 kept under `etag`, if this process or the shared cache still holds it."""
    stored = kept("response:" + etag.strip('"'))
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
        timestamp = state.http_last_modified
        if daily:
            today = timezone.localdate()
            etag = etag_for(state, request, today.isoformat())
            midnight = datetime.datetime.combine(
                today, datetime.time(), tzinfo=timezone.get_current_timezone()
            )
            if timestamp is not None:
                timestamp = max(timestamp, int(midnight.timestamp()))
        else:
            etag = etag_for(state, request)
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
        count = kept(key)
        if count is None:
            count = super().count
            if timeout:
                keep(key, count, timeout)
        return count
