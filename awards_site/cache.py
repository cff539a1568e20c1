"""The shared cache: django-redis, answering misses and staying quiet while Redis is away.

django-redis (`IGNORE_EXCEPTIONS`) turns a failed call into a miss; logging each one buried the
logs in one traceback per call. Here an outage is a state of the process instead: one warning
line when it begins, one every `CACHE_OUTAGE_LOG_SECONDS` while it lasts and one when Redis
answers again, none with a traceback (the error's class and message name the server, never its
password). Each worker process keeps and reports its own state.
"""

import logging
import threading
import time

from django.conf import settings
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Failures that mean "Redis cannot be reached", as opposed to a command Redis refused.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, TimeoutError)


class Outage:
    """Whether this process reaches one cache server, and when it last said it does not."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.since = None  # when the outage began; None while the server answers
        self.reported_at = None
        self.failed_calls = 0

    def call_failed(self, error: Exception) -> None:
        now = self.clock()
        with self.lock:
            self.failed_calls += 1
            if self.since is None:
                self.since = self.reported_at = now
                message = "Cache unreachable: answering with misses, API rate limit counted per worker"
            elif now - self.reported_at >= settings.CACHE_OUTAGE_LOG_SECONDS:
                self.reported_at = now
                lasted = now - self.since
                message = f"Cache still unreachable after {lasted:.0f} s, {self.failed_calls} calls failed"
            else:
                return
        logger.warning("%s: %s: %s", message, type(error).__name__, error)

    def call_succeeded(self) -> None:
        if self.since is None:  # the usual case, decided without the lock
            return
        with self.lock:
            if self.since is None:
                return
            lasted, failed_calls = self.clock() - self.since, self.failed_calls
            self.since = self.reported_at = None
            self.failed_calls = 0
        logger.warning("Cache back after %.0f s, %d calls failed meanwhile", lasted, failed_calls)


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_of(server) -> Outage:
    """The one `Outage` of `server` in this process, shared by the cache objects of all threads."""
    with _outages_lock:
        return _outages.setdefault(str(server), Outage())


# Calls of the cache backend on its client that do not reach the server (or not yet): they
# say nothing about an outage.
_LOCAL_CALLS = frozenset({"close", "lock", "iter_keys", "sscan_iter"})


class _WatchedClient:
    """A django-redis client whose calls tell the server's `Outage` whether they reached it."""

    def __init__(self, client, outage: Outage):
        self._client = client
        self._outage = outage

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute) or name in _LOCAL_CALLS:
            return attribute

        def watched(*args, **kwargs):
            reached = True
            try:
                return attribute(*args, **kwargs)
            except ConnectionInterrupted as interrupted:
                if isinstance(interrupted.__cause__, UNREACHABLE):
                    reached = False
                    self._outage.call_failed(interrupted.__cause__)
                else:  # Redis answered, with an error: a bug worth its traceback
                    logger.error("Cache call %s failed", name, exc_info=interrupted.__cause__)
                raise  # django-redis answers it as a miss
            finally:
                if reached:  # an answer, even an error such as incr's missing key
                    self._outage.call_succeeded()

        setattr(self, name, watched)  # found directly from now on
        return watched


class RedisCache(DjangoRedisCache):
    """django-redis whose outages are logged as a state, not per call (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._outage = outage_of(server)
        self._watched_client = None

    @property
    def client(self):
        if self._watched_client is None:
            self._watched_client = _WatchedClient(super().client, self._outage)
        return self._watched_client
