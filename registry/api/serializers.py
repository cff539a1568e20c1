"""API representations (SPEC §6). The award shape is shared with the JSON feed.

Every field is listed explicitly; nothing internal (justification, nominated_by, created_by,
the status of a nomination) is ever named here. Querysets come from the viewsets, which
select and prefetch every relation read below, so each endpoint runs a constant number of queries.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..awards import award_path, awards_in_order, page_key
from ..models import (
    Achievement,
    Announcement,
    Category,
    Ceremony,
    Edition,
    Nomination,
    Nominee,
    Program,
    web_url,
)


def absolute_reverse(viewname, args=None, kwargs=None, request=None, format=None, **extra):
    # DRF's reverse() would carry the request's `?format=csv` into every link of a CSV row.
    return request.build_absolute_uri(reverse(viewname, args=args, kwargs=kwargs))


class ApiUrlField(serializers.HyperlinkedIdentityField):
    """The object's absolute API URL."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reverse = absolute_reverse


class ApiLinksField(serializers.HyperlinkedRelatedField):
    """Absolute API URLs of related objects."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reverse = absolute_reverse


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute URL of the object's public page (its `get_absolute_url()`)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field({"type": "string", "description": "ISO 3166-1 alpha-2 code, or empty if unknown."})
class CountryCodeField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.code or ""


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalUrlField(serializers.URLField):
    """A web URL (http or https), or null when there is none (an empty string is not a URL)."""

    def to_representation(self, value):
        return web_url(value) or None


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$",
        "description": "Local time at the venue (see `timezone`), without an offset; null if unknown.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time: JSON Schema's `format: time` would demand a UTC offset it does not have."""


class ProgramRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RecipientRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Nominee.Kind.choices)
    title = serializers.CharField()
    affiliation = serializers.CharField(source="affiliation.name", allow_null=True)
    country = CountryCodeField()


class CeremonyRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    date = serializers.DateField()
    venue = serializers.CharField()
    city = serializers.CharField()
    country = CountryCodeField()


class PresenterSerializer(serializers.Serializer):
    name = serializers.CharField(source="presenter_name")
    title = serializers.CharField(source="presenter_title")


class AchievementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Achievement
        fields = ["quantity", "description"]


# Formats `published_at` as the declared field does, without building the serializer's fields.
PUBLISHED_AT = serializers.DateTimeField()


class AwardSerializer(serializers.ModelSerializer):
    """A public award, from a row of `registry.awards.award_rows()`."""

    url = ApiUrlField(view_name="api:award-detail")
    page_url = PageUrlField()
    program = ProgramRefSerializer(source="edition.program")
    year = serializers.IntegerField(source="edition.year")
    category = CategoryRefSerializer()
    recipient = RecipientRefSerializer(source="nominee")
    achievements = AchievementSerializer(many=True)
    # A missing presentation reads as None (DRF treats ObjectDoesNotExist along a source as null).
    ceremony = CeremonyRefSerializer(source="presentation.ceremony", allow_null=True)
    presented_by = PresenterSerializer(source="presentation", allow_null=True)
    published_at = serializers.DateTimeField(source="edition.results_published_at")

    _links = None  # (absolute list URL, {page key: absolute page URL}), per serializer instance

    class Meta:
        model = Nomination
        fields = [
            "id",
            "url",
            "page_url",
            "program",
            "year",
            "category",
            "recipient",
            "citation",
            "achievements",
            "ceremony",
            "presented_by",
            "published_at",
        ]

    def to_representation(self, award):
        """`award` is a row of `registry.awards.award_rows()` (or `award_row()`).

        The declared fields above are the schema (drf-spectacular) and the CSV columns; the dict is
        built directly because walking ~50 nested fields per award through DRF, with two reverse()
        calls, cost ~0.1 ms an award. tests/test_api.py compares it with the fields' output.
        """
        request = self.context["request"]
        if self._links is None:
            # Links are built from the list URL and a per-(programme, year, category) page URL,
            # not reverse()d per award: the page URL is shared by every award of a category.
            self._links = (request.build_absolute_uri(reverse("api:award-list")), {})
        api_list_url, page_urls = self._links
        page_url = page_urls.get(key := page_key(award))
        if page_url is None:
            page_url = page_urls[key] = request.build_absolute_uri(award_path(award))
        if award["presentation"] is None:
            ceremony = presented_by = None
        else:
            ceremony = {
                "slug": award["ceremony_slug"],
                "name": award["ceremony_name"],
                "date": award["ceremony_date"].isoformat(),
                "venue": award["ceremony_venue"],
                "city": award["ceremony_city"],
                "country": award["ceremony_country"] or "",
            }
            presented_by = {"name": award["presenter_name"], "title": award["presenter_title"]}
        published_at = award["published_at"]
        return {
            "id": award["id"],
            "url": f"{api_list_url}{award['id']}/",
            "page_url": page_url,
            "program": {"slug": award["program_slug"], "name": award["program_name"]},
            "year": award["year"],
            "category": {"slug": award["category_slug"], "name": award["category_name"]},
            "recipient": {
                "slug": award["recipient_slug"],
                "name": award["recipient_name"],
                "kind": award["recipient_kind"],
                "title": award["recipient_title"],
                "affiliation": award["affiliation"],
                "country": award["recipient_country"] or "",
            },
            "citation": award["citation"],
            "achievements": [
                {"quantity": quantity, "description": description}
                for quantity, description in award["achievements"]
            ],
            "ceremony": ceremony,
            "presented_by": presented_by,
            "published_at": PUBLISHED_AT.to_representation(published_at)
            if published_at is not None
            else None,
        }


class OrganizationRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    short_name = serializers.CharField()
    country = CountryCodeField()
    website = OptionalUrlField()


class ProgramSerializer(serializers.ModelSerializer):
    """A programme whose results have been published at least once."""

    url = ApiUrlField(view_name="api:program-detail")
    page_url = PageUrlField()
    conferred_by = OrganizationRefSerializer()
    website = OptionalUrlField()

    class Meta:
        model = Program
        fields = ["id", "url", "page_url", "slug", "name", "conferred_by", "description", "website"]


class CategorySerializer(serializers.ModelSerializer):
    url = ApiUrlField(view_name="api:category-detail")
    page_url = PageUrlField()
    program = ProgramRefSerializer()

    class Meta:
        model = Category
        fields = [
            "id",
            "url",
            "page_url",
            "slug",
            "name",
            "program",
            "description",
            "eligibility",
            "position",
            "is_active",
        ]


class EditionSerializer(serializers.ModelSerializer):
    url = ApiUrlField(view_name="api:edition-detail")
    page_url = PageUrlField()
    program = ProgramRefSerializer()
    published_at = serializers.DateTimeField(source="results_published_at")

    class Meta:
        model = Edition
        fields = [
            "id",
            "url",
            "page_url",
            "program",
            "year",
            "name",
            "nominations_open",
            "nominations_close",
            "published_at",
        ]


class EditionCategorySerializer(serializers.Serializer):
    """One category of an edition with its public awards."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    awards = AwardSerializer(many=True)


class EditionDetailSerializer(EditionSerializer):
    """An edition with its public awards grouped by category, in category order."""

    categories = serializers.SerializerMethodField()

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "categories"]

    @extend_schema_field(EditionCategorySerializer(many=True))
    def get_categories(self, edition):
        awards = (
            Nomination.objects.public()
            .filter(edition=edition)
            .order_by("category__position", "category__name", "category_id", "nominee__name", "id")
        )
        groups = {}
        for award in awards_in_order(awards):  # in category order
            group = groups.setdefault(award["category_slug"], [])
            group.append(award)
        rows = [
            {"slug": slug, "name": group[0]["category_name"], "awards": group}
            for slug, group in groups.items()
        ]
        return EditionCategorySerializer(rows, many=True, context=self.context).data


class RecipientSerializer(serializers.ModelSerializer):
    url = ApiUrlField(view_name="api:recipient-detail")
    page_url = PageUrlField()
    affiliation = serializers.CharField(source="affiliation.name", allow_null=True)
    country = CountryCodeField()

    class Meta:
        model = Nominee
        fields = ["id", "url", "page_url", "slug", "name", "kind", "title", "affiliation", "country"]


class RecipientDetailSerializer(RecipientSerializer):
    """A recipient with every public award, newest first."""

    biography = serializers.CharField()
    awards = serializers.SerializerMethodField()

    class Meta(RecipientSerializer.Meta):
        fields = [*RecipientSerializer.Meta.fields, "biography", "awards"]

    @extend_schema_field(AwardSerializer(many=True))
    def get_awards(self, recipient):
        awards = awards_in_order(Nomination.objects.public().filter(nominee=recipient).in_award_order())
        return AwardSerializer(awards, many=True, context=self.context).data


class CeremonySerializer(serializers.ModelSerializer):
    url = ApiUrlField(view_name="api:ceremony-detail")
    page_url = PageUrlField()
    program = ProgramRefSerializer(source="edition.program")
    year = serializers.IntegerField(source="edition.year")
    start_time = LocalTimeField(allow_null=True)
    country = CountryCodeField()

    class Meta:
        model = Ceremony
        fields = [
            "id",
            "url",
            "page_url",
            "slug",
            "name",
            "program",
            "year",
            "date",
            "start_time",
            "timezone",
            "venue",
            "city",
            "country",
            "description",
        ]


class AnnouncementSerializer(serializers.ModelSerializer):
    url = ApiUrlField(view_name="api:announcement-detail")
    page_url = PageUrlField()
    program = ProgramRefSerializer(source="edition.program", allow_null=True)
    year = serializers.IntegerField(source="edition.year", allow_null=True)
    source_url = OptionalUrlField()
    awards = ApiLinksField(view_name="api:award-detail", source="public_awards", many=True, read_only=True)

    class Meta:
        model = Announcement
        fields = [
            "id",
            "url",
            "page_url",
            "slug",
            "title",
            "published_at",
            "summary",
            "body",
            "source_url",
            "program",
            "year",
            "awards",
        ]
