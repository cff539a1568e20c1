"""Read-only API viewsets. Every queryset starts from a visibility-rule QuerySet method."""

import re

from django.conf import settings
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .. import filters
from ..awards import award_rows
from ..exports import AWARD_CSV_COLUMNS, award_csv_row
from ..http_cache import answer
from ..models import Announcement, Category, Ceremony, Edition, Nomination, Nominee, Program
from ..query_parameters import unknown_parameters
from . import serializers
from .filtering import ApiFilterBackend
from .pagination import AwardPagination
from .renderers import CSVRenderer, FormatNegotiation

# Primary keys are 64-bit: anything larger would overflow the database's integer parameter.
MAX_ID = 2**63 - 1
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


def object_lookup(segment: str, slug_field: str | None) -> dict | None:
    """The filter that finds what a detail URL's segment names: ASCII digits are an id (no slug is
    only digits: `registry.models.slug_not_only_digits`), anything else the slug of a resource that
    has one; None for what no object could match."""
    # ASCII digits only (int() would also take "١٢" or " 12"), few enough for int() to parse
    # (it refuses over 4,300), and nothing the database cannot hold.
    if segment.isascii() and segment.isdigit():
        pk = int(segment) if len(segment) <= 19 else 0
        return {"pk": pk} if 0 < pk <= MAX_ID else None
    if slug_field is not None and SLUG.fullmatch(segment):
        return {slug_field: segment}
    return None


class PublicAnswers:
    """GETs answered through the one HTTP cache layer (`registry.http_cache.answer`), after they
    are counted against the rate limit: a 304 or a stored answer skips DRF, never the limit.

    The answer depends on the `Accept` header (a list may be negotiated as CSV) and is public for
    `API_CACHE_MAX_AGE` seconds. `from_data = False` for an answer made from the code alone.
    """

    from_data = True
    counted_by_rate_limit = False  # this view's request was counted before DRF ran
    content_negotiation_class = FormatNegotiation

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
    """A public list and detail, as JSON or CSV, with conditional GET; one 404 for any bad id or
    slug, and a 400 for any query parameter the action does not read."""

    filter_backends = [ApiFilterBackend]
    renderer_classes = [JSONRenderer, CSVRenderer]  # two, so DRF adds `Vary: Accept`
    detail_serializer_class = None  # what a JSON detail says beyond its list row, if anything
    slug_field = None  # the resource's unique slug, which its detail URL takes beside the id

    def query_parameters(self) -> set[str]:
        """The query parameters this action reads: DRF's `format`; a list's filters and pages too."""
        names = {api_settings.URL_FORMAT_OVERRIDE}
        if self.action == "list":
            filterset_class = getattr(self, "filterset_class", None)
            names.update(filterset_class.base_filters if filterset_class else ())
            names.update(self.paginator.query_parameters if self.paginator else ())
        return names

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A list reports them with its malformed values, in one 400 (ApiFilterBackend).
        if self.action != "list" and (
            errors := unknown_parameters(request.query_params, self.query_parameters())
        ):
            raise ValidationError(errors)

    def get_serializer_class(self):
        # A CSV detail is the row of the list's CSV, with the same columns.
        if self.detail_serializer_class and self.action == "retrieve" and not self.wants_csv():
            return self.detail_serializer_class
        return super().get_serializer_class()

    def wants_csv(self) -> bool:
        return isinstance(getattr(self.request, "accepted_renderer", None), CSVRenderer)

    def filter_queryset(self, queryset):
        # Query filters narrow lists; a detail URL names one object.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        """The public object by id or slug, or one and the same 404 for a missing, non-public or
        malformed one."""
        lookup = object_lookup(self.kwargs[self.lookup_url_kwarg or self.lookup_field], self.slug_field)
        found = self.get_queryset().filter(**lookup).first() if lookup is not None else None
        if found is None:
            raise NotFound()
        self.check_object_permissions(self.request, found)
        return found

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
        lookup = object_lookup(self.kwargs[self.lookup_url_kwarg or self.lookup_field], self.slug_field)
        awards = award_rows([lookup["pk"]]) if lookup is not None else []
        if not awards:
            raise NotFound()
        return awards[0]

    # The award's one CSV shape (registry.exports), that of /awards.csv, not the JSON flattened.

    def list(self, request, *args, **kwargs):
        if not self.wants_csv():
            return super().list(request, *args, **kwargs)
        awards = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.csv_rows(awards))

    def retrieve(self, request, *args, **kwargs):
        if not self.wants_csv():
            return super().retrieve(request, *args, **kwargs)
        return Response(self.csv_rows([self.get_object()]))

    def csv_rows(self, awards):
        origin = self.request.build_absolute_uri("/").removesuffix("/")
        return [award_csv_row(award, origin=origin) for award in awards]


def public_categories():
    return (
        Category.objects.public()
        .select_related("program")
        .order_by("program__name", "program_id", "position", "name", "id")
    )


class ProgramViewSet(PublicViewSet):
    """Award programmes with published results, by name."""

    serializer_class = serializers.ProgramSerializer
    slug_field = "slug"

    def get_queryset(self):
        return Program.objects.public().select_related("conferred_by").order_by("name", "id")

    @action(
        detail=True,
        url_path=r"categories/(?P<category>[^/.]+)",
        url_name="category",
        serializer_class=serializers.CategorySerializer,
    )
    def category(self, request, *args, **kwargs):
        """A category of a public programme, each named by its id or its slug (a category's slug
        is unique within its programme only)."""
        program = object_lookup(kwargs[self.lookup_url_kwarg or self.lookup_field], "slug")
        category = object_lookup(kwargs["category"], "slug")
        found = None
        if program is not None and category is not None:
            in_program = {f"program__{name}": value for name, value in program.items()}
            found = public_categories().filter(**in_program, **category).first()
        if found is None:
            raise NotFound()
        return Response(self.get_serializer(found).data)


class CategoryViewSet(PublicViewSet):
    """Categories of the public programmes, in programme and display order."""

    serializer_class = serializers.CategorySerializer
    filterset_class = filters.CategoryFilter

    def get_queryset(self):
        return public_categories()


class EditionViewSet(PublicViewSet):
    """Editions whose results are published, newest year first; the detail lists awards by category."""

    filterset_class = filters.EditionFilter
    serializer_class = serializers.EditionSerializer
    detail_serializer_class = serializers.EditionDetailSerializer

    def get_queryset(self):
        return Edition.objects.published().select_related("program").order_by("-year", "program__name", "id")


class RecipientViewSet(PublicViewSet):
    """Nominees with at least one public award, by name; the detail lists those awards."""

    filterset_class = filters.RecipientFilter
    serializer_class = serializers.RecipientSerializer
    detail_serializer_class = serializers.RecipientDetailSerializer
    slug_field = "slug"

    def get_queryset(self):
        return Nominee.objects.recipients().select_related("affiliation").order_by("name", "id")


class CeremonyViewSet(PublicViewSet):
    """Public ceremonies, latest first."""

    serializer_class = serializers.CeremonySerializer
    filterset_class = filters.CeremonyFilter
    slug_field = "slug"

    def get_queryset(self):
        return Ceremony.objects.public().select_related("edition__program").order_by("-date", "-id")


class AnnouncementViewSet(PublicViewSet):
    """Published announcements, newest first, with links to the public awards they concern."""

    serializer_class = serializers.AnnouncementSerializer
    slug_field = "slug"

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
