"""The site's URLs plus the benchmark's floor: a trivial view through the same middleware."""

from django.http import HttpResponse
from django.urls import path

from awards_site.urls import urlpatterns as site_urlpatterns


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *site_urlpatterns]
