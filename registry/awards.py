"""The public award as a plain row: what the API, the feeds and the award lists show of it.

Eight model instances per award (nomination, edition, programme, category, nominee,
affiliation, presentation, ceremony), every column read and every timestamp parsed, cost more
than the query that fetched them; a row holds only what is shown. Rows always come from
`Nomination.objects.public()`.
"""

import datetime

from django.db import router
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from . import sql
from .models import Achievement, Nomination

# What the award representation (`AwardSerializer`) shows, as row keys and the columns they come from.
AWARD_COLUMNS = {
    "id": "id",
    "citation": "citation",
    "year": "edition__year",
    "published_at": "edition__results_published_at",
    "program_slug": "edition__program__slug",
    "program_name": "edition__program__name",
    "category_slug": "category__slug",
    "category_name": "category__name",
    "recipient_slug": "nominee__slug",
    "recipient_name": "nominee__name",
    "recipient_kind": "nominee__kind",
    "recipient_title": "nominee__title",
    "recipient_country": "nominee__country",
    "affiliation": "nominee__affiliation__name",
    "presentation": "presentation__id",
    "presenter_name": "presentation__presenter_name",
    "presenter_title": "presentation__presenter_title",
    "ceremony_slug": "presentation__ceremony__slug",
    "ceremony_name": "presentation__ceremony__name",
    "ceremony_date": "presentation__ceremony__date",
    "ceremony_venue": "presentation__ceremony__venue",
    "ceremony_city": "presentation__ceremony__city",
    "ceremony_country": "presentation__ceremony__country",
    "updated_at": "updated_at",  # for the feeds' item dates
}


def award_rows(ids: list[int], achievements: bool = True) -> list[dict]:
    """The public awards with these ids (a page: at most `MAX_PAGE_IDS`), in this order, as dicts
    of `AWARD_COLUMNS` plus `achievements` ([(quantity, description)], empty unless asked for).

    Two queries, compiled once per number of ids. Plain rows instead of eight model instances
    per award: for a page of 20, 9.6 ms → ~2 ms. An id that is not (or no longer) public is
    left out.
    """
    ids = list(ids)
    if not ids:
        return []
    if len(ids) > MAX_PAGE_IDS:
        raise ValueError(f"award_rows() takes a page of at most {MAX_PAGE_IDS} ids; use awards_in_order()")
    alias, now, key = router.db_for_read(Nomination), timezone.now(), len(ids)
    rows = sql.fetch(
        alias,
        ("award-rows", key),
        lambda: (
            Nomination.objects.public(sql.STAND_IN_NOW)
            .filter(id__in=sql.stand_in_ids(key))
            .values_list(*AWARD_COLUMNS.values())
        ),
        now=now,
        ids=ids,
    )
    achievements = achievements and sql.fetch(
        alias,
        ("award-achievements", key),
        lambda: (
            Achievement.objects.filter(nomination__in=sql.stand_in_ids(key))
            .order_by("nomination", "position", "id")
            .values_list("nomination", "quantity", "description")
        ),
        ids=ids,
    )
    by_id = _assemble(rows, achievements or [])
    return [by_id[pk] for pk in ids if pk in by_id]


MAX_PAGE_IDS = 100  # the API's largest page


def awards_in_order(awards) -> list[dict]:
    """`award_rows()` of a queryset of public awards, in its order, however many: two queries."""
    rows = awards.values_list(*AWARD_COLUMNS.values())
    achievements = (
        Achievement.objects.filter(nomination__in=awards.order_by().values("id"))
        .order_by("nomination", "position", "id")
        .values_list("nomination", "quantity", "description")
    )
    return list(_assemble(rows, achievements).values())


def _assemble(rows, achievements) -> dict[int, dict]:
    by_id = {row[0]: dict(zip(AWARD_COLUMNS, row, strict=True), achievements=[]) for row in rows}
    for nomination_id, quantity, description in achievements:
        if nomination_id in by_id:
            by_id[nomination_id]["achievements"].append((quantity, description))
    for award in by_id.values():  # SQLite hands a plain cursor naive datetimes (or text)
        for key in ("published_at", "updated_at"):
            award[key] = _aware(award[key])
        if isinstance(award["ceremony_date"], str):
            award["ceremony_date"] = parse_date(award["ceremony_date"])
    return by_id


def page_key(award: dict) -> tuple:
    """What an award's page URL depends on: every award of a category in an edition shares it."""
    return award["program_slug"], award["year"], award["category_slug"]


def award_path(award: dict) -> str:
    """The award's page (its category in its edition), as `Nomination.get_absolute_url()`."""
    program, year, category = page_key(award)
    return reverse("registry:award-detail", kwargs={"program": program, "year": year, "category": category})


def award_row(award: Nomination) -> dict:
    """The `award_rows()` row of an award already fetched with `award_queryset()`'s relations."""
    row = {}
    for key, path in AWARD_COLUMNS.items():
        value = award
        for name in path.split("__"):
            value = getattr(value, name, None)  # a missing presentation reads as None
            if value is None:
                break
        row[key] = value
    row["recipient_country"] = award.nominee.country.code
    row["ceremony_country"] = row["ceremony_country"].code if row["presentation"] is not None else None
    row["achievements"] = [(a.quantity, a.description) for a in award.achievements.all()]
    return row


def _aware(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value
