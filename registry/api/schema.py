"""OpenAPI: a sentence and an example for every parameter, and the error responses of every
operation (400, 404, 406, 429) with their bodies.

Examples come from the seed record that `make run` loads (`registry/demo.py`), so each answers on
a fresh server (tests/test_api_schema.py asks them). Links in examples are on the host the schema
is served from.
"""

from django.core.exceptions import DisallowedHost
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled

from ..query_parameters import unknown_parameters
from .renderers import no_such_format

JSON = "application/json"

# The seed record's slugs, by resource (its award's id depends on the database: no example).
SEED_SLUGS = {
    "program": "ero-annual-awards",
    "category": "exemplary-law-enforcement-partnership-award",
    "recipient": "jorge-dominguez-martinez-vertiz",
    "ceremony": "ero-2021-partnership-award-mexico-city",
    "announcement": "interpol-mexico-director-general-receives-2021-partnership-award",
}

# The query parameters of the filters and `format`: (description, example), by name, or by
# (resource, name) where a resource reads one differently. The paginators describe their own.
QUERY_PARAMETERS = {
    "q": (
        "Words that must all appear in the recipient's name or affiliation, the category or the "
        "citation; accents and case are ignored.",
        "Interpol",
    ),
    "program": (
        "The slug of a public programme. A slug that names no public programme is a 400, not an empty list.",
        SEED_SLUGS["program"],
    ),
    "category": (
        "The slug of a category; the same slug in several programmes matches each of them.",
        SEED_SLUGS["category"],
    ),
    "year": ("The award year, 1900 to 2100.", 2021),
    "year_min": ("The earliest award year to include, 1900 to 2100.", 2020),
    "year_max": ("The latest award year to include, 1900 to 2100.", 2021),
    "country": ("The recipient's country, as an ISO 3166-1 alpha-2 code.", "MX"),
    "kind": ("What the recipient is: a person, an organization or a team.", "person"),
    "ordering": (
        "How to order the results: one or more of the values below, comma-separated, each "
        "descending with a leading `-`; ties always end on the id.",
        "-year",
    ),
    "format": (
        "`json` (the default) or `csv`: a list's page as CSV rows, an object as the one row the "
        "list would give it, with the same columns (docs/api.md).",
        "csv",
    ),
    ("edition", "year"): ("The edition's award year, 1900 to 2100.", 2021),
    ("ceremony", "year"): ("The award year of the ceremony's edition, 1900 to 2100.", 2021),
    ("ceremony", "country"): ("The country of the ceremony's venue, as an ISO 3166-1 alpha-2 code.", "MX"),
}
NOUNS = {"program": "programme"}  # resource (the router's basename) → the word the docs use
CHOICES = "\n\n*"  # drf-spectacular lists a parameter's choices after this


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def field_errors(example: dict) -> dict:
    return {
        "type": "object",
        "description": "Each bad query parameter, with what is wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": example,
    }


def error(description: str, detail: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample("Example", {"detail": str(detail)})],
    )


class ApiAutoSchema(AutoSchema):
    def absolute_url(self) -> str:
        """The operation's address on the host the schema is asked from (a bare path without one)."""
        try:
            return self.view.request.build_absolute_uri(self.path)
        except DisallowedHost:  # generated outside a request (`manage.py spectacular`)
            return self.path

    def _get_paginator(self):
        paginator = super()._get_paginator()
        if paginator is not None:
            paginator.example_url = self.absolute_url()
        return paginator

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            name = parameter["name"]
            known = QUERY_PARAMETERS.get((self.view.basename, name)) or QUERY_PARAMETERS.get(name)
            if parameter["in"] == "query" and known:
                description, parameter["example"] = known
                choices = parameter.get("description", "").partition(CHOICES)[2]
                parameter["description"] = f"{description}{CHOICES}{choices}" if choices else description
        return parameters

    def _resolve_path_parameters(self, variables):
        """`{id}`: the resource's id, or its slug where its detail URL takes one; `{category}`: a
        category of the programme of `{id}`, by id or slug."""
        parameters = []
        for variable in variables:
            if variable == "category":
                noun, slug_field, where = "category", "slug", " (unique within the programme)"
            else:
                noun, slug_field, where = self.view.basename, self.view.slug_field, ""
            parameter = {"in": "path", "name": variable, "required": True}
            if slug_field is None:
                parameter["description"] = f"The {NOUNS.get(noun, noun)}'s id: the last segment of its `url`."
                parameter["schema"] = {"type": "integer", "minimum": 1}
            else:
                parameter["description"] = (
                    f"The {NOUNS.get(noun, noun)}'s id, or its slug{where}: digits alone are an id."
                )
                parameter["schema"] = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
                parameter["example"] = SEED_SLUGS[noun]
            parameters.append(parameter)
        return parameters

    def get_response_serializers(self):
        success = super().get_response_serializers()
        responses = {(200, JSON): success}
        if "text/csv" in self.map_renderers("media_type"):
            responses[(200, "text/csv")] = OpenApiResponse(
                OpenApiTypes.STR, description="The same answer as CSV, with `format=csv`."
            )
        unknown = unknown_parameters(["programme"], self.view.query_parameters())
        responses[(400, JSON)] = OpenApiResponse(
            field_errors(unknown),
            description="A malformed query parameter, one this address does not read (utm_* and _ "
            "excepted), or a programme slug that names no public programme: each is named.",
        )
        responses[(404, JSON)] = error("No such public object or page.", NotFound.default_detail)
        responses[(406, JSON)] = error(
            "A `format` this address does not answer, or an Accept header none of its formats meets.",
            no_such_format(self.view.get_renderers()).detail,
        )
        responses[(429, JSON)] = error(
            "Rate limit exceeded; the Retry-After header says when to retry.", Throttled(wait=42).detail
        )
        return responses
