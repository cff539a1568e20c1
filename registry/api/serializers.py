"""API representations (SPEC §6). The award's (`AwardSerializer`) is the award row's, in
`registry.awards`, which the JSON feed shares.

Every field is listed explicitly; nothing internal (justification, nominated_by, created_by,
the status of a nomination) is ever named here. Querysets come from the viewsets, which
select and prefetch every relation read below, so each endpoint runs a constant number of queries.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..award_json import AwardSerializer, CountryCodeField, ProgramRefSerializer
from ..awards import awards_by_category, awards_in_order
from ..models import Announcement, Category, Ceremony, Edition, Nomination, Nominee, Program, web_url


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
        groups = awards_by_category(edition.id)
        return EditionCategorySerializer(groups, many=True, context=self.context).data


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
