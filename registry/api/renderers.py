"""CSV for list endpoints (`?format=csv`): the rows of the JSON page, flattened to columns."""

import csv
import io

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def columns(serializer, prefix="") -> list[str]:
    """Dotted column names for a serializer's fields: nested objects become `parent.child`."""
    names = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            names += columns(field, f"{prefix}{name}.")
        else:
            names.append(prefix + name)
    return names


def cell(value):
    if value is None:
        return ""
    if isinstance(value, list):  # e.g. achievements: "23100 cases vetted; 474 arrests"
        return "; ".join(
            " ".join(str(v) for v in item.values() if v not in (None, ""))
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
        header = columns(view.get_serializer())
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(lookup(row, column)) for column in header])
        name = renderer_context["request"].path.rstrip("/").rsplit("/", 1)[-1]  # "awards"
        renderer_context["response"]["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode(self.charset)
