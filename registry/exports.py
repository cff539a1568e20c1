"""CSV downloads: `/awards.csv`, the API's `?format=csv` and the admin's export.

`AWARD_CSV_COLUMNS` and `award_csv_row()` define the one flat shape of an award;
`csv_safe()` neutralises spreadsheet formulas for every CSV the site writes; `stream_csv()`
streams rows as a UTF-8 download, and `stream_award_csv()` streams any award queryset with it.
"""

import csv
import itertools
from collections.abc import Iterable

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

# Excel, LibreOffice and Google Sheets run a cell that starts with one of these as a formula
# (OWASP "CSV injection"); a leading line break hides the formula on a line of its own.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value) -> str:
    """The cell as text, with a leading apostrophe where a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def award_csv_row(award, *, base_url: str = "") -> list:
    """One public award as the cells of `AWARD_CSV_COLUMNS` (`stream_csv()` makes them formula-safe)."""
    edition, category, nominee = award.edition, award.category, award.nominee
    presentation = getattr(award, "presentation", None)
    ceremony = presentation.ceremony if presentation else None
    achievements = "; ".join(str(achievement) for achievement in award.achievements.all())
    return [
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


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value):
        return value


def stream_csv(
    *, filename: str, header: list[str], rows: Iterable[Iterable], byte_order_mark: bool = False
) -> StreamingHttpResponse:
    """Stream `rows` as a formula-safe UTF-8 CSV download, one row at a time (memory stays flat).

    The first row is read before the response is returned: a failing database then raises
    inside the view, which answers the usual 503, instead of after the status line and the
    header row have gone out and the download can only break off. `byte_order_mark` puts a
    BOM first, so that Excel reads accents right.
    """
    rows = iter(rows)
    first = list(itertools.islice(rows, 1))
    writer = csv.writer(_Echo())

    def lines():
        yield ("\ufeff" if byte_order_mark else "") + writer.writerow(header)
        for row in itertools.chain(first, rows):
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stream_award_csv(queryset, *, filename: str, base_url: str = "") -> StreamingHttpResponse:
    """The awards of `queryset` in `AWARD_CSV_COLUMNS`, fetched in chunks as the download goes."""
    awards = queryset.select_related(*AWARD_CSV_SELECT_RELATED).prefetch_related(*AWARD_CSV_PREFETCH_RELATED)
    rows = (award_csv_row(award, base_url=base_url) for award in awards.iterator(chunk_size=2000))
    return stream_csv(filename=filename, header=AWARD_CSV_COLUMNS, rows=rows)
