"""Flat CSV rows of public awards, shared by `/awards.csv`, the API's `?format=csv` and the admin.

`AWARD_CSV_COLUMNS` and `award_csv_row()` define the one flat shape of an award;
`csv_safe()` neutralises spreadsheet formulas; `stream_award_csv()` streams any award
queryset (it must carry `AWARD_CSV_RELATED` joins) as a UTF-8 download.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

AWARD_CSV_COLUMNS = [
    "id",
    "program",
    "program_slug",
    "year",
    "category",
    "category_slug",
    "recipient",
    "recipient_slug",
    "kind",
    "title",
    "affiliation",
    "country",
    "citation",
    "achievements",
    "ceremony",
    "ceremony_date",
    "presented_by",
    "presenter_title",
    "published_at",
    "page_url",
]

# What a queryset needs so that `award_csv_row()` runs no query per row.
AWARD_CSV_SELECT_RELATED = ("edition__program", "category", "nominee__affiliation", "presentation__ceremony")
AWARD_CSV_PREFETCH_RELATED = ("achievements",)

# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell as text, with a leading quote if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def award_csv_row(award, *, base_url: str = "") -> list[str]:
    """One public award as the cells of `AWARD_CSV_COLUMNS`, formula-safe."""
    edition, category, nominee = award.edition, award.category, award.nominee
    presentation = getattr(award, "presentation", None)
    ceremony = presentation.ceremony if presentation else None
    achievements = "; ".join(str(achievement) for achievement in award.achievements.all())
    cells = [
        award.pk,
        edition.program.name,
        edition.program.slug,
        edition.year,
        category.name,
        category.slug,
        nominee.name,
        nominee.slug,
        nominee.kind,
        nominee.title,
        nominee.affiliation.name if nominee.affiliation else "",
        nominee.country.code,
        award.citation,
        achievements,
        ceremony.name if ceremony else "",
        ceremony.date.isoformat() if ceremony else "",
        presentation.presenter_name if presentation else "",
        presentation.presenter_title if presentation else "",
        edition.results_published_at.isoformat() if edition.results_published_at else "",
        base_url + award.get_absolute_url(),
    ]
    return [csv_safe(cell) for cell in cells]


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value):
        return value


def award_csv_lines(awards: Iterable, *, base_url: str = "") -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(AWARD_CSV_COLUMNS)
    for award in awards:
        yield writer.writerow(award_csv_row(award, base_url=base_url))


def stream_award_csv(queryset, *, filename: str, base_url: str = "") -> StreamingHttpResponse:
    """Stream the awards in chunks, so memory stays flat however many rows match."""
    awards = queryset.select_related(*AWARD_CSV_SELECT_RELATED).prefetch_related(*AWARD_CSV_PREFETCH_RELATED)
    response = StreamingHttpResponse(
        award_csv_lines(awards.iterator(chunk_size=2000), base_url=base_url),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
