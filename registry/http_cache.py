"""The one HTTP cache layer of everything public: pages, feeds, the calendar, the API and its schema.

Every public GET is answered by `answer()`, on one path:

1. the public-state token (`registry/public_state.py`, reused for `PUBLIC_STATE_TTL` seconds);
2. the answer's key: the token, and everything the body varies on — the full URL (scheme, host,
   path and query as sent), the active language and the caller's variant (the `Accept` header a
   format was negotiated from, the date of a page that changes at midnight);
3. a 304 when `If-None-Match` (or `If-Modified-Since`) matches, before the view runs;
4. else the 200 stored under that key, when this process or the shared cache still holds it;
5. else the view's answer, stored under the key for the next request.

The ETag is the key itself, so a stored answer and a 304 are held to one rule: they stand for a
token, and the token moves on every write and at every scheduled publication. `max-age` never
reaches past the next scheduled publication, so no cache keeps the pre-embargo answer. (The
price: in the last `max-age` seconds before it, a shrinking max-age tells that some publication
is imminent, though not what.)

Stored answers live in Django's cache (Redis when `REDIS_URL` is set, shared by every worker and
server) and, in front of it, in this process (`LocalCopies`, at most `LOCAL_CACHE_ENTRIES`): a
repeat then costs no round trip. A copy taken from the shared cache keeps the expiry it had
there. Requests that carry a session cookie (staff) are answered afresh and never stored. The
paginators' counts and the pages' drop-downs are kept the same way, under the token (`kept_for_answer`).
"""

import datetime
import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import http_date

from .models import AWARD_ORDER
from .public_state import REPRESENTATION_VERSION, PublicState, public_state


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


# --- The token, reused ----------------------------------------------------------------------------

PUBLIC_STATE_KEY = "public-state"


def shared_public_state() -> PublicState:
    """`public_state()`, reused for up to `PUBLIC_STATE_TTL` seconds (0: never) after it was read.

    This process's copy first, then the shared cache's, then the database. Reuse delays a
    write's effect on the answers by at most the TTL, counted from the database read (a copy
    does not restart it), but never a scheduled publication: a state is not reused once its
    `next_publication` has come.
    """
    ttl = settings.PUBLIC_STATE_TTL
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


# What an answer that does not depend on the data (the API schema) stands for: the code alone.
CODE_ONLY = PublicState(token=f"code|{REPRESENTATION_VERSION}", last_modified=None, next_publication=None)


def max_age(state: PublicState, seconds: int) -> int:
    """`seconds`, cut short so that no cache outlives the next scheduled publication."""
    if state.next_publication is not None:
        seconds_left = (state.next_publication - timezone.now()).total_seconds()
        seconds = min(seconds, max(0, math.floor(seconds_left)))
    return seconds


# --- Answers --------------------------------------------------------------------------------------

# Headers of a 200 worth keeping with its stored body.
STORED_HEADERS = ("Content-Type", "Link", "Content-Disposition", "Content-Language", "Vary", "Allow")

# The token and variant of the answer being made: `CachedCountPaginator` keys its counts by them.
_answering: ContextVar[tuple[PublicState, str] | None] = ContextVar("answering", default=None)


def answer_key(request, state: PublicState, variant: str) -> str:
    """The ETag of the answer to `request` under `state`: everything the body depends on."""
    language = translation.get_language() or ""
    key = f"{state.token}|{request.build_absolute_uri()}|{language}|{variant}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def answer(
    request,
    respond: Callable[[], HttpResponse],
    *,
    variant: str = "",
    client_max_age: int | None = None,
    vary: tuple[str, ...] = (),
    daily: bool = False,
    from_data: bool = True,
) -> HttpResponse:
    """The answer to a public GET: a 304, the stored 200, or `respond()`'s (then stored).

    `client_max_age`: seconds clients and shared caches may reuse the answer without asking
    (`public, max-age`); None: they revalidate every time (`public, no-cache`). `vary`: request
    headers the answer depends on beyond the URL (the caller folds them into `variant`).
    `daily`: the answer also changes at midnight with no data change (upcoming ceremonies become
    past ones): the date joins its key, and its Last-Modified is never before the day began.
    `from_data=False`: the body depends on the code alone (the API schema).
    """
    state = shared_public_state() if from_data else CODE_ONLY
    last_modified = state.http_last_modified
    if daily:
        today = timezone.localdate()
        variant = f"{variant}|{today.isoformat()}"
        if last_modified is not None:
            day_began = datetime.datetime.combine(today, datetime.time(), timezone.get_current_timezone())
            last_modified = max(last_modified, int(day_began.timestamp()))
    etag = answer_key(request, state, variant)
    # A session cookie means staff: answered afresh, and their answer kept from everyone else.
    shared = settings.SESSION_COOKIE_NAME not in request.COOKIES
    store_seconds = max_age(state, settings.PUBLIC_RESPONSE_CACHE_TTL) if shared else 0

    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None and store_seconds:
        stored = kept("answer:" + etag)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
    if response is None:
        token = _answering.set((state, variant))
        try:
            response = respond()
        finally:
            _answering.reset(token)
        if callable(getattr(response, "render", None)):
            response.render()
        storable = response.status_code == 200 and not response.streaming and not response.cookies
        if store_seconds and storable and "Cookie" not in response.get("Vary", ""):
            headers = {name: response[name] for name in STORED_HEADERS if name in response}
            keep("answer:" + etag, (response.content, headers), store_seconds)

    if response.status_code in (200, 304):
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
    if response.status_code < 500 and response.status_code != 429:
        response["Cache-Control"] = (
            "public, no-cache"  # revalidate on every use: no stored copy outlives an embargo
            if client_max_age is None
            else f"public, max-age={max_age(state, client_max_age)}"
        )
    if vary:
        patch_vary_headers(response, vary)
    return response


def public_answer(view=None, *, daily=False):
    """View decorator: the view's answers go through `answer()` (pages, feeds, the calendar)."""
    if view is None:
        return lambda view: public_answer(view, daily=daily)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return answer(request, lambda: view(request, *args, **kwargs), daily=daily)

    return wrapper


# --- Values kept under the token -----------------------------------------------------------------

# Seconds a kept value lives (it is keyed by the token, so this only bounds memory use).
KEPT_SECONDS = 600
# Query parameters that choose a page of a list, not which rows it has.
NOT_FILTERS = frozenset({"page", "page_size", "cursor", "ordering", "format"})


def kept_for_answer(name: str, compute: Callable):
    """`compute()`, a value read from the public data (a list's count, a page's drop-downs),
    kept under the token of the answer being made and `name`, which says what it is of.

    Such a value can only change when the token does; reading it anew for every page of a list
    (or every render of a page whose stored answer is gone) would read the public awards each
    time. Outside `answer()`, computed each time.
    """
    answering = _answering.get()
    if answering is None:
        return compute()
    state, variant = answering
    key = "kept:" + hashlib.sha256(f"{state.token}|{variant}|{name}".encode()).hexdigest()
    value = kept(key)
    if value is None:
        value = compute()
        if seconds := max_age(state, KEPT_SECONDS):
            keep(key, value, seconds)
    return value


class CachedCountPaginator(Paginator):
    """A Paginator whose count is kept under the token of the answer being made and the list's
    URL without its page parameters (`kept_for_answer()`): counting 100,000 public awards reads
    every one of them.

    A list in the award order (`AWARD_ORDER`, newest year first) is counted by year instead, in
    the same one query, and a deep page starts its scan at its own year: OFFSET then skips the
    rows of one year, not every row before the page, so a crawler's random page costs about
    what the first does (docs/performance.md, "Deep pages").
    """

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.by_year = tuple(self.object_list.query.order_by) == AWARD_ORDER

    @cached_property
    def counts(self) -> list[tuple[int | None, int]]:
        """(year, rows) newest year first for a list in the award order; else [(None, rows)]."""
        filters = sorted((k, v) for k, v in self.request.GET.lists() if k not in NOT_FILTERS)
        return kept_for_answer(f"count|{self.request.path}|{filters!r}|{self.by_year}", self._counts)

    def _counts(self):
        if self.by_year:
            by_year = self.object_list.order_by().values_list("year").annotate(rows=Count("*"))
            return sorted(by_year, reverse=True)
        return [(None, super().count)]

    @cached_property
    def count(self):
        return sum(rows for _, rows in self.counts)

    def page(self, number):
        if not self.by_year:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        before = 0  # rows in the years newer than the page's first row
        for year, in_year in self.counts:
            if before + in_year > bottom:
                rows = rows.filter(year__lte=year)
                break
            before += in_year
        return self._get_page(rows[bottom - before : top - before], number, self)
