"""CSV and XLSX downloads that a spreadsheet cannot mistake for formulas (CSV injection)."""

import io
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..exports import stream_csv

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(*, filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV, formula-safe, with a BOM first so Excel reads accents right."""
    return stream_csv(filename=filename, header=header, rows=rows, byte_order_mark=True)


def xlsx_response(*, filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A one-sheet workbook; every text cell is stored as a string, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nominations")

    def cells(row):
        for value in row:
            if isinstance(value, int | float) or value is None:
                yield value
            else:
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
                yield cell

    sheet.append(header)
    for row in rows:
        sheet.append(list(cells(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
