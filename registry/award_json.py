"""The award as JSON: the API's award representation, also the JSON feed's `_awards` object.

Serializers of `registry.awards.Award` rows: their declared fields are the ones that run.
"""

import datetime
import itertools
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import models


# A read-only serializer of rows, compiled: the declared fields of each class (built once per
# process) become one function that writes the whole dict, nested parts inline, calling each
# field's own `to_representation()` (`str()` or `int()` itself for a CharField or IntegerField)
# on the attribute its `source` names, `None` as `None`. DRF builds a serializer's fields anew
# for every request, then its loop asks of every field and row whether the value is a mapping, a
# callable or a missing related object, which rows never have; for a page of 100 awards that
# took several times as long (docs/performance.md). The request reaches only the fields with a
# `for_request()`, which gives their conversion for all rows of one request. `_dict_of()` refuses
# any other shape (a `*` source, a method field, a nested serializer not a RowSerializer), and
# tests/test_api.py checks that the result is what DRF's own loop writes. (No docstring: the
# schema would show it for each part of the award.)
class RowSerializer(serializers.Serializer):
    def to_representation(self, row):
        return self._represent(row)

    @cached_property
    def _represent(self):
        represent, request_fields = _compiled(type(self))
        if not request_fields:
            return represent
        request = self.context["request"]
        per_request = tuple(field.for_request(request) for field in request_fields)
        return lambda row: represent(row, per_request)


_compiled_classes = {}  # RowSerializer class -> (its compiled function, its fields with `for_request()`)
# Fields whose `to_representation()` is a builtin's call: the builtin, called as such.
_BUILTIN = {serializers.CharField.to_representation: "str", serializers.IntegerField.to_representation: "int"}


def _compiled(serializer_class):
    found = _compiled_classes.get(serializer_class)
    if found is None:
        namespace, request_fields = {}, []
        body = _dict_of(serializer_class(), "row", itertools.count(), namespace, request_fields)
        source = f"def represent(row, per_request=()):\n    return {body}\n"
        exec(compile(source, f"<compiled {serializer_class.__name__}>", "exec"), namespace)  # noqa: S102
        found = _compiled_classes[serializer_class] = (namespace["represent"], request_fields)
    return found


def _dict_of(serializer, row: str, numbers, namespace: dict, request_fields: list) -> str:
    """Source code: a dict display of `serializer`'s readable fields of the object named `row`;
    `namespace` receives the fields' conversions, `request_fields` those with `for_request()`."""
    items = []
    for field in serializer._readable_fields:
        where = f"{type(serializer).__name__}.{field.field_name}"
        if not field.source_attrs or not all(name.isidentifier() for name in field.source_attrs):
            raise ImproperlyConfigured(f"{where}: the source must name an attribute")
        value = f"value_{next(numbers)}"
        if hasattr(field, "for_request"):
            written = f"per_request[{len(request_fields)}]({value})"
            request_fields.append(field)
        elif isinstance(field, serializers.ListSerializer) and isinstance(field.child, RowSerializer):
            item = f"{value}_item"
            written = (
                f"[{_dict_of(field.child, item, numbers, namespace, request_fields)} for {item} in {value}]"
            )
        elif isinstance(field, RowSerializer):
            written = _dict_of(field, value, numbers, namespace, request_fields)
        elif isinstance(field, serializers.BaseSerializer):
            raise ImproperlyConfigured(f"{where}: a nested serializer must be a RowSerializer")
        elif (builtin := _BUILTIN.get(type(field).to_representation)) is not None:
            written = f"{builtin}({value})"
        else:
            namespace[f"{value}_field"] = field.to_representation
            written = f"{value}_field({value})"
        read = ".".join([row, *field.source_attrs])
        items.append(f"{field.field_name!r}: None if ({value} := {read}) is None else {written}")
    return "{" + ", ".join(items) + "}"


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """The absolute URL of a path the row holds, on the requesting host."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, path):
        return self.context["request"].build_absolute_uri(path)

    def for_request(self, request):
        # What `build_absolute_uri()` puts before a path that reverse() wrote: scheme and host.
        return request.build_absolute_uri("/").removesuffix("/").__add__


@extend_schema_field(OpenApiTypes.URI)
class ApiDetailUrlField(serializers.Field):
    """The absolute URL of the row (by its `id`) in the API: a `detail_view` of `list_view`."""

    def __init__(self, detail_view: str, list_view: str, **kwargs):
        self.detail_view, self.list_view = detail_view, list_view
        super().__init__(source="id", read_only=True, **kwargs)

    def to_representation(self, pk):
        return self._reversed(self.context["request"], pk)

    def for_request(self, request):
        """The URLs of one request's rows: the list's URL, the id and a slash, as the API's router
        writes a detail route (`{prefix}/{lookup}/`), for one reverse() a page rather than one a
        row (docs/performance.md). Checked against reverse() on every call."""
        list_url = request.build_absolute_uri(reverse(self.list_view))
        if self._reversed(request, 1) != f"{list_url}1/":
            raise ImproperlyConfigured(f"{self.detail_view} is no longer {self.list_view} and the id")
        return lambda pk: f"{list_url}{pk}/"

    def _reversed(self, request, pk) -> str:
        return request.build_absolute_uri(reverse(self.detail_view, kwargs={"pk": pk}))


@extend_schema_field({"type": "string", "description": "ISO 3166-1 alpha-2 code, or empty if unknown."})
class CountryCodeField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return getattr(value, "code", value) or ""  # a model's `Country`, or a row's code


class ProgramRefSerializer(RowSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CategoryRefSerializer(RowSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RecipientRefSerializer(RowSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=models.Nominee.Kind.choices)
    title = serializers.CharField()
    affiliation = serializers.CharField(allow_null=True)
    country = CountryCodeField()


class CeremonyRefSerializer(RowSerializer):
    slug = serializers.SlugField(source="ceremony_slug")
    name = serializers.CharField(source="ceremony_name")
    date = serializers.DateField(source="ceremony_date")
    venue = serializers.CharField()
    city = serializers.CharField()
    country = CountryCodeField()


class PresenterSerializer(RowSerializer):
    name = serializers.CharField(source="presenter_name")
    title = serializers.CharField(source="presenter_title")


class AchievementSerializer(RowSerializer, serializers.ModelSerializer):
    class Meta:
        model = models.Achievement  # for the schema: the fields' types and limits
        fields = ["quantity", "description"]


class AwardSerializer(RowSerializer, serializers.ModelSerializer):
    """A public award, from a row of `registry.awards.award_rows()`."""

    # `Meta.model` gives the schema the types and help texts of `id` and `citation`; the
    # instances are `Award` rows.
    url = ApiDetailUrlField("api:award-detail", "api:award-list")
    page_url = AbsoluteUrlField(source="path")
    program = ProgramRefSerializer()
    year = serializers.IntegerField()
    category = CategoryRefSerializer()
    recipient = RecipientRefSerializer()
    achievements = AchievementSerializer(many=True)
    ceremony = CeremonyRefSerializer(source="presentation", allow_null=True)
    presented_by = PresenterSerializer(source="presentation", allow_null=True)
    # UTC, as docs/api.md says, whatever TIME_ZONE (the pages' time zone) is; naming it also
    # spares a look-up of the active time zone for every award.
    published_at = serializers.DateTimeField(default_timezone=datetime.UTC)

    class Meta:
        model = models.Nomination
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
