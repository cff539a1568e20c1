"""The anonymous rate limit, read from settings at request time (so tests and operators can change it)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """`API_ANON_RATE` requests per client address; the address comes from DRF's `get_ident()`,
    which trusts `X-Forwarded-For` only as far as `NUM_PROXIES` says."""

    def get_rate(self):
        return settings.API_ANON_RATE
