"""Root URLs: configuration only; each part's routes live in its own module."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("registry.api.urls")),
    path("", include("registry.urls")),
]
