"""CSV downloads: `/awards.csv`, the API's `?format=csv` and the admin's export.

`AWARD_CSV_COLUMNS` and `award_csv_row()` define the one flat shape of an award (a
`registry.awards.Award` row), for `/awards.csv` and the API's award pages alike; `csv_safe()`
neutralises spreadsheet formulas for every CSV the site writes; `stream_csv()` streams rows as a
UTF-8 download, and `stream_award_csv()` streams any award queryset with it.
"""

import csv
import itertools
from collections.abc import Iterable

from django.http import StreamingHttpResponse

from .awards import Award, awards_streamed

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
    "ceremony_venue",
    "ceremony_city",
    "ceremony_country",
    "presented_by",
    "presenter_title",
    "published_at",
    "page_url",
]

# Excel, LibreOffice and Google Sheets run a cell that starts with one of these as a formula
# (OWASP "CSV injection"); a leading line break hides the formula on a line of its own.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value) -> str:
    """The cell as text, with a leading apostrophe where a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def award_csv_row(award: Award, *, origin: str) -> list:
    """One public award as the cells of `AWARD_CSV_COLUMNS`, its page URL on `origin` (scheme and
    host); `stream_csv()` and the API's renderer make the cells formula-safe."""
    recipient, presentation = award.recipient, award.presentation
    return [
        award.id,
        award.program.name,
        award.program.slug,
        award.year,
        award.category.name,
        award.category.slug,
        recipient.name,
        recipient.slug,
        recipient.kind,
        recipient.title,
        recipient.affiliation or "",
        recipient.country,
        award.citation,
        "; ".join(str(achievement) for achievement in award.achievements),
        *(
            (
                presentation.ceremony_name,
                presentation.ceremony_date.isoformat(),
                presentation.venue,
                presentation.city,
                presentation.country,
                presentation.presenter_name,
                presentation.presenter_title,
            )
            if presentation
            else ("",) * 7
        ),
        award.published_at.isoformat(),
        origin + award.path,
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


def stream_award_csv(queryset, *, filename: str, origin: str) -> StreamingHttpResponse:
    """The awards of `queryset` in `AWARD_CSV_COLUMNS`, fetched in chunks as the download goes."""
    rows = (award_csv_row(award, origin=origin) for award in awards_streamed(queryset))
    return stream_csv(filename=filename, header=AWARD_CSV_COLUMNS, rows=rows)
