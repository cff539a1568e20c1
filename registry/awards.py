"""The public award as one row, `Award`: everything any surface shows of an award, built in one place.

The pages render it (the lists with `{% award_row %}`, the award and recipient pages), the API
and the JSON feed serialize it (`AwardSerializer`), and the RSS and Atom feeds, the CSV
(`registry.exports`), the JSON-LD (`registry.structured_data`) and the sitemap read it: each is a
view of the row, none a reshape of another's output. Rows always come from `Nomination.objects.public()`;
model instances are for the admin and for writes.

Eight model instances per award (nomination, edition, programme, category, nominee, affiliation,
presentation, ceremony), every column read and every timestamp parsed, cost more than the query
that fetched them; a row is built from one tuple of the columns it shows, and its figures come
from a second query.
"""

import datetime
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from operator import attrgetter

from django.core.exceptions import ImproperlyConfigured
from django.db import router
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import models, sql
from .filters import country_names


@dataclass(frozen=True, slots=True)
class AwardAchievement:
    """A figure the award cites: "474 fugitive arrests facilitated"."""

    quantity: int | None
    description: str

    def __str__(self):
        return f"{self.quantity:,} {self.description}" if self.quantity is not None else self.description


@dataclass(frozen=True, slots=True)
class AwardProgram:
    slug: str
    name: str

    @property
    def path(self) -> str:
        return models.program_path(self.slug)


@dataclass(frozen=True, slots=True)
class AwardCategory:
    slug: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class AwardRecipient:
    slug: str
    name: str
    kind: str  # a `Nominee.Kind`
    title: str
    affiliation: str | None  # the organisation's name
    country: str  # ISO 3166-1 alpha-2, or ""
    country_name: str  # in the active language, or ""

    @property
    def path(self) -> str:
        return models.recipient_path(self.slug)


@dataclass(frozen=True, slots=True)
class AwardPresentation:
    """Where, when and by whom the award was handed over."""

    ceremony_slug: str
    ceremony_name: str
    ceremony_date: datetime.date
    venue: str
    city: str
    country: str  # ISO 3166-1 alpha-2, or ""
    presenter_name: str
    presenter_title: str
    remarks: str  # the presenter's words

    @property
    def ceremony_path(self) -> str:
        return models.ceremony_path(self.ceremony_slug)


@dataclass(frozen=True, slots=True)
class Award:
    """A public award as every surface shows it."""

    id: int
    citation: str
    year: int
    edition_name: str
    published_at: datetime.datetime
    updated_at: datetime.datetime
    program: AwardProgram
    category: AwardCategory
    recipient: AwardRecipient
    presentation: AwardPresentation | None
    achievements: tuple[AwardAchievement, ...] | None  # None: fetched without them
    path: str  # the award's page, shared by every award of its category in its edition

    @property
    def edition_path(self) -> str:
        return models.edition_path(self.program.slug, self.year)


# --- Fetching ----------------------------------------------------------------------------------

# The columns of a row, in the order `_build()` reads them.
COLUMNS = (
    "id",
    "citation",
    "edition__year",
    "edition__name",
    "edition__results_published_at",
    "updated_at",
    "edition__program__slug",
    "edition__program__name",
    "category__slug",
    "category__name",
    "category__description",
    "nominee__slug",
    "nominee__name",
    "nominee__kind",
    "nominee__title",
    "nominee__affiliation__name",
    "nominee__country",
    "presentation__id",
    "presentation__ceremony__slug",
    "presentation__ceremony__name",
    "presentation__ceremony__date",
    "presentation__ceremony__venue",
    "presentation__ceremony__city",
    "presentation__ceremony__country",
    "presentation__presenter_name",
    "presentation__presenter_title",
    "presentation__remarks",
)
MAX_PAGE_IDS = 100  # the API's largest page


def award_rows(ids: Iterable[int], *, achievements: bool = True) -> list[Award]:
    """The public awards with these ids (a page: at most `MAX_PAGE_IDS`), in this order.

    Two queries (one without `achievements`), compiled once per number of ids. An id that is
    not (or no longer) public is left out.
    """
    ids = list(ids)
    if not ids:
        return []
    if len(ids) > MAX_PAGE_IDS:
        raise ValueError(f"award_rows() takes a page of at most {MAX_PAGE_IDS} ids; use awards_in_order()")
    alias, now, key = router.db_for_read(models.Nomination), timezone.now(), len(ids)
    rows = sql.fetch(
        alias,
        ("award-rows", key),
        lambda: (
            models.Nomination.objects.public(sql.STAND_IN_NOW)
            .filter(id__in=sql.stand_in_ids(key))
            .values_list(*COLUMNS)
        ),
        now=now,
        ids=ids,
    )
    figures = achievements and sql.fetch(
        alias,
        ("award-achievements", key),
        lambda: _achievements_of(sql.stand_in_ids(key)),
        ids=ids,
    )
    by_id = {award.id: award for award in _build(rows, figures if achievements else None)}
    return [by_id[pk] for pk in ids if pk in by_id]


def awards_in_order(awards, *, achievements: bool = True) -> list[Award]:
    """The rows of a queryset of public awards, in its order, however many: two queries (one
    without `achievements`)."""
    figures = _achievements_of(awards.order_by().values("id")) if achievements else None
    return _build(awards.values_list(*COLUMNS), figures)


def awards_streamed(awards, chunk_size: int = 2000) -> Iterator[Award]:
    """The rows of a queryset of public awards, in its order, fetched as they are read: one
    query read in chunks, and the achievements of each chunk (memory stays flat)."""
    rows = awards.values_list(*COLUMNS).iterator(chunk_size=chunk_size)
    while chunk := list(itertools.islice(rows, chunk_size)):
        yield from _build(chunk, _achievements_of([row[0] for row in chunk]))


@dataclass(frozen=True, slots=True)
class CategoryAwards:
    """An edition's public awards in one category."""

    slug: str
    name: str
    total: int  # the category's public awards in the edition, also those not in `awards`
    awards: tuple[Award, ...]

    @property
    def path(self) -> str:
        return self.awards[0].path


# An edition's awards, category by category (the programme's display order), then by recipient.
CATEGORY_ORDER = ("category__position", "category__name", "category_id", "nominee__name", "id")


def awards_by_category(
    edition_id: int, *, per_category: int | None = None, achievements: bool = True
) -> list[CategoryAwards]:
    """An edition's public awards grouped by category, the first `per_category` (by recipient)
    of each, or all; one query, compiled once (two with `achievements`)."""
    alias, now = router.db_for_read(models.Nomination), timezone.now()

    def build():
        in_category = {"partition_by": [F("category_id")]}
        awards = (
            models.Nomination.objects.public(sql.STAND_IN_NOW)
            .filter(edition__in=sql.stand_in_ids(1))
            .annotate(in_category=Window(Count("id"), **in_category))
        )
        if per_category is not None:  # bounded: thousands of awards would not read
            by_recipient = [F("nominee__name").asc(), F("id").asc()]
            awards = awards.annotate(rank=Window(RowNumber(), order_by=by_recipient, **in_category))
            awards = awards.filter(rank__lte=per_category)
        return awards.order_by(*CATEGORY_ORDER).values_list(*COLUMNS, "in_category")

    rows = sql.fetch(alias, ("awards-by-category", per_category), build, now=now, ids=[edition_id])
    figures = _achievements_of([row[0] for row in rows]) if achievements else None
    awards = _build(rows, figures)
    totals = {award.category: row[len(COLUMNS)] for award, row in zip(awards, rows, strict=True)}
    return [
        CategoryAwards(category.slug, category.name, totals[category], tuple(group))
        for category, group in itertools.groupby(awards, attrgetter("category"))
    ]


def _achievements_of(nominations):
    return (
        models.Achievement.objects.filter(nomination__in=nominations)
        .order_by("nomination", "position", "id")
        .values_list("nomination", "quantity", "description")
    )


def _build(rows, achievements) -> list[Award]:
    """Rows that start with `COLUMNS`, as `Award`s; `achievements`: (award id, quantity,
    description) rows, or None to leave them out. The page path is reversed once per
    (programme, year, category)."""
    figures = None
    if achievements is not None:
        figures = {}
        for nomination_id, quantity, description in achievements:
            figures.setdefault(nomination_id, []).append(AwardAchievement(quantity, description))
    names, shared, awards = country_names(), {}, []
    for row in rows:
        (pk, citation, year, edition_name, published_at, updated_at, program_slug, program_name) = row[:8]
        (category_slug, category_name, category_description, recipient_slug, recipient_name) = row[8:13]
        (recipient_kind, recipient_title, affiliation, country, presentation_id) = row[13:18]
        # One programme, category and page path per (programme, year, category) of the rows.
        page = (program_slug, year, category_slug)
        if (common := shared.get(page)) is None:
            common = shared[page] = (
                AwardProgram(program_slug, program_name),
                AwardCategory(category_slug, category_name, category_description),
                models.award_path(*page),
            )
        program, category, path = common
        recipient = AwardRecipient(
            recipient_slug,
            recipient_name,
            recipient_kind,
            recipient_title,
            affiliation,
            country,
            names.get(country, "") if country else "",
        )
        presentation = None
        if presentation_id is not None:
            presentation = AwardPresentation(*row[18:27])
            if isinstance(presentation.ceremony_date, str):  # SQLite hands a plain cursor dates as text
                presentation = replace(presentation, ceremony_date=parse_date(presentation.ceremony_date))
        if isinstance(published_at, str) or published_at.tzinfo is None:  # SQLite: text, naive
            published_at, updated_at = _aware(published_at), _aware(updated_at)
        achieved = None if figures is None else tuple(figures.get(pk, ()))
        awards.append(
            Award(
                pk,
                citation,
                year,
                edition_name,
                published_at,
                updated_at,
                program,
                category,
                recipient,
                presentation,
                achieved,
                path,
            )
        )
    return awards


def _aware(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


# --- JSON: the API's award, also the JSON feed's `_awards` -------------------------------------


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
