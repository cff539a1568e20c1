"""Root URLs: configuration only; each part's routes live in its own module."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),  # ADMIN_URL: a non-guessable path in production
    path("api/v1/", include("registry.api.urls")),
    path("", include("registry.urls")),
]
