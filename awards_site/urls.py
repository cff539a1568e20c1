"""Root URLs: configuration only; each part's routes live in its own module."""

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView

from registry.api.views import SchemaView
from registry.api.views import not_found as api_not_found

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),  # ADMIN_URL: a non-guessable path in production
    path("api/v1/", include("registry.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/(?:.*/)?$", api_not_found),  # any other /api/ path (v2, typos): a JSON 404
    # Browsers ask for /favicon.ico whatever the page says. Looked up at request time: the
    # hashed static name exists only once collectstatic has run. Not permanent: the hash changes.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"))),
    path("", include("registry.urls")),
]
