"""The anonymous rate limit, read from settings at request time (so tests and operators can change it)."""

import threading

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from ..clients import client_ip

# A worker takes a client's allowance from the shared counter this many requests at a time, at
# most 1% of it: one cache round trip per request under the default 120/minute, one per 100 at
# 10,000/minute.
LEASE_SHARE = 100


class AnonymousRateThrottle(AnonRateThrottle):
    """`API_ANON_RATE` requests per client address and fixed window (a minute for "120/minute").

    The client address is taken as the admin's login throttle takes it (`client_ip`): behind the
    proxies of `TRUSTED_PROXIES`, from `X-Forwarded-For`. The shared counter of a client and
    window lives in the cache and only ever grows by atomic increments (Redis `INCRBY`), so
    workers never allow more than the limit together. DRF's own sliding window reads and writes
    the list of every request time in the window instead, which grows with the rate. The price
    of windows: a client may spend one window's allowance at its end and the next at the start
    of the next. The price of leases (a limit of 200 or more): a client can be refused up to 1%
    of its allowance early per worker, the unspent rest of a lease another worker holds.
    While the cache is unreachable each worker counts on its own, so a client gets at most the
    allowance per worker instead of no limit at all.
    """

    leases = {}  # this process's unspent requests: {counter key: how many}, for the current window
    local_counts = {}  # while the cache is unreachable: {counter key: requests}, for the current window
    leases_window = None
    leases_lock = threading.Lock()

    @classmethod
    def forget_leases(cls):
        with cls.leases_lock:
            cls.leases, cls.local_counts, cls.leases_window = {}, {}, None

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        # Every API client is anonymous (no authentication classes); not reading `request.user`
        # keeps the session untouched, so no answer gets `Vary: Cookie`.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.get_cache_key(request, view)}:{window}"
        with self.leases_lock:
            cls = type(self)
            if cls.leases_window != window:
                cls.leases, cls.local_counts, cls.leases_window = {}, {}, window
            if self.leases.get(key, 0) > 0:
                self.leases[key] -= 1
                return True
        lease = max(1, self.num_requests // LEASE_SHARE)
        try:
            total = self.cache.incr(key, lease)
        except ValueError:  # the window's first lease (add loses only to a concurrent first)
            total = (
                lease
                if self.cache.add(key, lease, timeout=self.duration + 1)
                else self.cache.incr(key, lease)
            )
        if total is None:  # the cache is unreachable: django-redis answers a failed call with None
            return self.allow_locally(key)
        granted = min(lease, self.num_requests - (total - lease))
        if granted <= 0:
            return False
        with self.leases_lock:
            self.leases[key] = self.leases.get(key, 0) + granted - 1
        return True

    def allow_locally(self, key) -> bool:
        with self.leases_lock:
            count = self.local_counts.get(key, 0) + 1
            self.local_counts[key] = count
        return count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - self.timer())
