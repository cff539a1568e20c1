"""CSV for list endpoints (`?format=csv`): the rows of the JSON page, flattened to columns.

Columns are named after the JSON fields (`recipient.name`), so one documentation serves both;
a view with a `csv_header` hands the cells of its rows itself (the awards: the one CSV shape of
an award, `registry.exports`).
"""

import csv
import io

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from ..exports import csv_safe


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
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        header = getattr(view, "csv_header", None)
        if header is None:
            header = columns(view.get_serializer())
            rows = ([lookup(row, column) for column in header] for row in rows)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(value) for value in row])
        name = renderer_context["request"].path.rstrip("/").rsplit("/", 1)[-1]  # "awards"
        renderer_context["response"]["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode(self.charset)
