"""TEMPORARY (delete when main has the public site's routes): stub page routes the feeds reverse."""

from django.http import HttpResponse
from django.urls import include, path

from awards_site.urls import urlpatterns as root_patterns
from registry import urls as registry_urls


def stub(request, **kwargs):
    return HttpResponse("stub")


pages = [
    path("programs/<slug:program>/<int:year>/<slug:category>/", stub, name="award-detail"),
    path("awards/", stub, name="award-list"),
    path("ceremonies/<slug:slug>/", stub, name="ceremony-detail"),
    path("news/", stub, name="announcement-list"),
    path("news/<slug:slug>/", stub, name="announcement-detail"),
]
urlpatterns = [
    *root_patterns[:-1],
    path("", include((registry_urls.urlpatterns + pages, "registry"))),
]
