"""The anonymous rate limit, read from settings at request time (so tests and operators can change it)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from awards_site.middleware import client_ip


class AnonymousRateThrottle(AnonRateThrottle):
    """`API_ANON_RATE` requests per client address, taken as the admin's login throttle takes it:
    `X-Forwarded-For` is trusted only as far as `TRUSTED_PROXY_COUNT` proxies."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_ip(request)
