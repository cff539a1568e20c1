"""The anonymous rate limit, read from settings at request time (so tests and operators can change it)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from awards_site.middleware import client_ip

from ..conditional import PUBLIC_STATE_KEY


class AnonymousRateThrottle(AnonRateThrottle):
    """`API_ANON_RATE` requests per client address, taken as the admin's login throttle takes it:
    `X-Forwarded-For` is trusted only as far as `TRUSTED_PROXY_COUNT` proxies."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        """DRF's sliding window, with the shared public state read in the same cache round trip:
        every API response needs it next (`ConditionalGetMixin.cached_response`)."""
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        found = self.cache.get_many([self.key, PUBLIC_STATE_KEY])
        request.prefetched_public_state = found.get(PUBLIC_STATE_KEY)
        self.history = found.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()
