"""CSV (`?format=csv`): a list's page, or a detail as the one row the list would give it, the
JSON flattened to columns; and the 406 for a `format` an endpoint does not have.

Columns are named after the JSON fields (`recipient.name`), so one documentation serves both;
a view with a `csv_header` hands the cells of its rows itself (the awards: the one CSV shape of
an award, `registry.exports`).
"""

import csv
import io

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from ..exports import csv_safe


def no_such_format(renderers) -> NotAcceptable:
    formats = ", ".join(dict.fromkeys(f"format={renderer.format}" for renderer in renderers))
    return NotAcceptable(_("No such format here; this address answers %(formats)s.") % {"formats": formats})


class FormatNegotiation(DefaultContentNegotiation):
    """`?format=` naming no format of the endpoint is a 406 that lists those it has (DRF: a bare 404)."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise no_such_format(renderers)
        return matching


def columns(serializer, prefix="") -> list[str]:
    """Dotted column names for a serializer's fields: nested objects become `parent.child`."""
    names = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            names += columns(field, f"{prefix}{name}.")
        else:
            names.append(prefix + name)
    return names


def cell(value) -> str:
    if isinstance(value, list):  # e.g. achievements: "23100 cases vetted; 474 arrests"
        value = "; ".join(
            " ".join(str(v) for v in item.values() if v not in (None, ""))
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return csv_safe(value)


def lookup(row, column):
    for key in column.split("."):
        row = row.get(key) if isinstance(row, dict) else None
    return row


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = renderer_context["view"]
        # A page of a list, one object, or rows of cells (a view with a `csv_header`).
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        header = getattr(view, "csv_header", None)
        if header is None:
            header = columns(view.get_serializer())
            rows = ([lookup(row, column) for column in header] for row in rows)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(value) for value in row])
        segments = renderer_context["request"].path.strip("/").split("/")
        name = segments[-1] if view.action == "list" else "-".join(segments[-2:])  # "awards", "awards-17"
        renderer_context["response"]["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode(self.charset)
