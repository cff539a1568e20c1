"""The public award as one row, `Award`: everything any surface shows of an award, built in one place.

The pages render it (the lists with `{% award_row %}`, the award and recipient pages), the API
and the JSON feed serialize it (`AwardSerializer`, registry/award_json.py), and the RSS and Atom
feeds, the CSV (`registry.exports`), the JSON-LD (`registry.structured_data`) and the sitemap
read it: each is a view of the row, none a reshape of another's output. Rows always come from
`Nomination.objects.public()`, but for the staff preview of an edition not yet public
(`public_when_published()`, registry/admin/previews.py); model instances are for the admin and
for writes.

Eight model instances per award (nomination, edition, programme, category, nominee, affiliation,
presentation, ceremony), every column read and every timestamp parsed, cost more than the query
that fetched them; a row is built from one tuple of the columns it shows, and its figures come
from a second query.
"""

import datetime
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from operator import attrgetter

from django.db import router
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

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
    published_at: datetime.datetime | None  # None only in the staff preview of a draft edition
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
    """The rows of a queryset of public awards (or, for the staff preview, of awards
    `public_when_published()`), in its order, however many: two queries (one without
    `achievements`)."""
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
    edition_id: int, *, per_category: int | None = None, achievements: bool = True, preview: bool = False
) -> list[CategoryAwards]:
    """An edition's public awards grouped by category, the first `per_category` (by recipient)
    of each, or all; one query, compiled once (two with `achievements`).

    `preview`: the awards the edition will show once its results are out
    (`public_when_published()`), for the staff preview of a draft or scheduled edition.
    """
    alias, now = router.db_for_read(models.Nomination), None if preview else timezone.now()

    def build():
        in_category = {"partition_by": [F("category_id")]}
        nominations = models.Nomination.objects
        awards = (
            (nominations.public_when_published() if preview else nominations.public(sql.STAND_IN_NOW))
            .filter(edition__in=sql.stand_in_ids(1))
            .annotate(in_category=Window(Count("id"), **in_category))
        )
        if per_category is not None:  # bounded: thousands of awards would not read
            by_recipient = [F("nominee__name").asc(), F("id").asc()]
            awards = awards.annotate(rank=Window(RowNumber(), order_by=by_recipient, **in_category))
            awards = awards.filter(rank__lte=per_category)
        return awards.order_by(*CATEGORY_ORDER).values_list(*COLUMNS, "in_category")

    key = ("awards-by-category", per_category, preview)
    rows = sql.fetch(alias, key, build, now=now, ids=[edition_id])
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
        if isinstance(updated_at, str) or updated_at.tzinfo is None:  # SQLite: text, naive
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
    if value is None:  # a preview's award: its edition is not published
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value
