"""Read-only API viewsets. Every queryset starts from a visibility-rule QuerySet method."""

import contextlib

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer

from .. import filters
from ..awards import award_rows
from ..exports import AWARD_CSV_COLUMNS, award_csv_row
from ..http_cache import answer
from ..models import Announcement, Category, Ceremony, Edition, Nomination, Nominee, Program
from . import serializers
from .filtering import ApiFilterBackend
from .pagination import AwardPagination
from .renderers import CSVRenderer

# Primary keys are 64-bit: anything larger would overflow the database's integer parameter.
MAX_ID = 2**63 - 1


class PublicAnswers:
    """GETs answered through the one HTTP cache layer (`registry.http_cache.answer`), after they
    are counted against the rate limit: a 304 or a stored answer skips DRF, never the limit.

    The answer depends on the `Accept` header (a list may be negotiated as CSV) and is public for
    `API_CACHE_MAX_AGE` seconds. `from_data = False` for an answer made from the code alone.
    """

    from_data = True
    counted_by_rate_limit = False  # this view's request was counted before DRF ran

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not self.within_rate_limit(request):
            return super().dispatch(request, *args, **kwargs)  # DRF answers: 405, 429…
        return answer(
            request,
            lambda: super(PublicAnswers, self).dispatch(request, *args, **kwargs),
            variant=request.headers.get("accept", ""),
            client_max_age=settings.API_CACHE_MAX_AGE,
            vary=("Accept",),
            from_data=self.from_data,
        )

    def within_rate_limit(self, request) -> bool:
        self.counted_by_rate_limit = all(t.allow_request(request, self) for t in self.get_throttles())
        return self.counted_by_rate_limit

    def check_throttles(self, request):
        if not self.counted_by_rate_limit:
            super().check_throttles(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 429:
            patch_cache_control(response, no_store=True)
        return response


class PublicViewSet(PublicAnswers, viewsets.ReadOnlyModelViewSet):
    """A public list and detail: JSON (and CSV for lists), conditional GET, 404 for any bad id."""

    filter_backends = [ApiFilterBackend]
    renderer_classes = [JSONRenderer, CSVRenderer]  # two, so DRF adds `Vary: Accept`

    def get_renderers(self):
        renderers = super().get_renderers()
        return renderers if self.action == "list" else renderers[:1]  # CSV for lists only

    def filter_queryset(self, queryset):
        # Query filters narrow lists; a detail URL names one object, whatever the query string says.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        """The public object, or one and the same 404 for a missing, non-public or malformed id."""
        if self.requested_id() is not None:
            with contextlib.suppress(Http404):
                return super().get_object()
        raise NotFound()

    def requested_id(self) -> int | None:
        """The id in the URL, or None for anything no object could have."""
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        # ASCII digits only (int() would also take "١٢" or " 12"), few enough for int() to parse
        # (it refuses over 4,300), and nothing the database cannot hold.
        if lookup.isascii() and lookup.isdigit() and len(lookup) <= 19 and 0 < int(lookup) <= MAX_ID:
            return int(lookup)
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are always JSON, also when the request asked for CSV.
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class AwardViewSet(PublicViewSet):
    """Public awards, newest year first; the filters of `/awards/`."""

    serializer_class = serializers.AwardSerializer
    filterset_class = filters.AwardFilter
    pagination_class = AwardPagination
    csv_header = AWARD_CSV_COLUMNS  # the CSV renderer writes the cells `list()` makes

    def get_queryset(self):
        return Nomination.objects.public().in_award_order()

    def paginate_queryset(self, queryset):
        """The page's ids first, then only those rows with their joins: ids come from the
        ordering index, where whole joined rows would be sorted (docs/performance.md)."""
        ids = super().paginate_queryset(queryset.values_list("id", flat=True))
        return award_rows(ids)  # an award deleted meanwhile is skipped

    def get_object(self):
        pk = self.requested_id()
        awards = award_rows([pk]) if pk is not None else []
        if not awards:
            raise NotFound()
        return awards[0]

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != CSVRenderer.format:
            return super().list(request, *args, **kwargs)
        # The award's one CSV shape (registry.exports), that of /awards.csv, not the JSON flattened.
        awards = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        origin = request.build_absolute_uri("/").removesuffix("/")
        return self.get_paginated_response([award_csv_row(award, origin=origin) for award in awards])


class ProgramViewSet(PublicViewSet):
    """Award programmes with published results, by name."""

    serializer_class = serializers.ProgramSerializer

    def get_queryset(self):
        return Program.objects.public().select_related("conferred_by").order_by("name", "id")


class CategoryViewSet(PublicViewSet):
    """Categories of the public programmes, in programme and display order."""

    serializer_class = serializers.CategorySerializer
    filterset_class = filters.CategoryFilter

    def get_queryset(self):
        return (
            Category.objects.public()
            .select_related("program")
            .order_by("program__name", "program_id", "position", "name", "id")
        )


class EditionViewSet(PublicViewSet):
    """Editions whose results are published, newest year first; the detail lists awards by category."""

    filterset_class = filters.EditionFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.EditionDetailSerializer
        return serializers.EditionSerializer

    def get_queryset(self):
        return Edition.objects.published().select_related("program").order_by("-year", "program__name", "id")


class RecipientViewSet(PublicViewSet):
    """Nominees with at least one public award, by name; the detail lists those awards."""

    filterset_class = filters.RecipientFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.RecipientDetailSerializer
        return serializers.RecipientSerializer

    def get_queryset(self):
        return Nominee.objects.recipients().select_related("affiliation").order_by("name", "id")


class CeremonyViewSet(PublicViewSet):
    """Public ceremonies, latest first."""

    serializer_class = serializers.CeremonySerializer
    filterset_class = filters.CeremonyFilter

    def get_queryset(self):
        return Ceremony.objects.public().select_related("edition__program").order_by("-date", "-id")


class AnnouncementViewSet(PublicViewSet):
    """Published announcements, newest first, with links to the public awards they concern."""

    serializer_class = serializers.AnnouncementSerializer

    def get_queryset(self):
        return (
            Announcement.objects.published()
            .select_related("edition__program")
            .prefetch_related(
                Prefetch(
                    "related_awards", Nomination.objects.public().order_by("id"), to_attr="public_awards"
                )
            )
            .order_by("-published_at", "-id")
        )


class ApiRootView(PublicAnswers, routers.APIRootView):
    """The entry point: a link to each resource's list."""


def not_found(request, *args, **kwargs):
    """Any other path under the API: a JSON 404 like the endpoints' own."""
    return JsonResponse({"detail": "Not found."}, status=404)


class SchemaView(PublicAnswers, SpectacularAPIView):
    """`/api/schema/`: made from the code alone, so its answers are stored and revalidated like the
    others but never read the data's token (generating it is slow: a cheap way to load a server)."""

    from_data = False
