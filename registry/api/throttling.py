"""The anonymous rate limit, read from settings at request time (so tests and operators can change it)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from awards_site.middleware import client_ip


class AnonymousRateThrottle(AnonRateThrottle):
    """`API_ANON_RATE` requests per client address and fixed window (a minute for "120/minute").

    The client address is taken as the admin's login throttle takes it: `X-Forwarded-For` is
    trusted only as far as `TRUSTED_PROXY_COUNT` proxies. A counter per window is one atomic
    increment in the cache (Redis `INCRBY`) per request; DRF's own sliding window reads and
    writes the list of every request time in the window, which grows with the rate. The price:
    a client may spend one window's allowance at its end and the next at the start of the next.
    """

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        # Every API client is anonymous (no authentication classes); not reading `request.user`
        # keeps the session untouched, so no answer gets `Vary: Cookie`.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        if self.rate is None or getattr(request, "counted_by_rate_limit", False):
            return True
        client_key = self.get_cache_key(request, view)
        if client_key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{client_key}:{window}"
        try:
            count = self.cache.incr(key)
        except ValueError:  # the window's first request (add loses only to a concurrent first)
            count = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        # None: the cache is unreachable (its errors are ignored), and no client is refused for that.
        return count is None or count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - self.timer())
