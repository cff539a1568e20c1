"""API representations (SPEC §6). The award shape is shared with the JSON feed."""

from rest_framework import serializers

from ..models import Achievement, Nomination


class ProgramRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RecipientRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    affiliation = serializers.CharField(source="affiliation.name", default=None, allow_null=True)
    country = serializers.CharField(source="country.code", allow_blank=True)


class CeremonyRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    date = serializers.DateField()
    venue = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField(source="country.code", allow_blank=True)


class PresenterSerializer(serializers.Serializer):
    name = serializers.CharField(source="presenter_name")
    title = serializers.CharField(source="presenter_title")


class AchievementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Achievement
        fields = ["quantity", "description"]


class AwardSerializer(serializers.ModelSerializer):
    """A public award. The queryset must come from `AwardViewSet.queryset` (joins prefetched)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:award-detail")
    page_url = serializers.SerializerMethodField()
    program = ProgramRefSerializer(source="edition.program")
    year = serializers.IntegerField(source="edition.year")
    category = CategoryRefSerializer()
    recipient = RecipientRefSerializer(source="nominee")
    achievements = AchievementSerializer(many=True)
    ceremony = serializers.SerializerMethodField()
    presented_by = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="edition.results_published_at")

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

    def get_page_url(self, award) -> str:
        return self.context["request"].build_absolute_uri(award.get_absolute_url())

    def _presentation(self, award):
        return getattr(award, "presentation", None)

    def get_ceremony(self, award) -> CeremonyRefSerializer(allow_null=True):
        presentation = self._presentation(award)
        return CeremonyRefSerializer(presentation.ceremony).data if presentation else None

    def get_presented_by(self, award) -> PresenterSerializer(allow_null=True):
        presentation = self._presentation(award)
        return PresenterSerializer(presentation).data if presentation else None
