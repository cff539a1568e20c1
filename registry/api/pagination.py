"""Page-number pagination for the API: `page`, `page_size` (capped at 100), and a Link header."""

import functools
import re

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from ..http_cache import CachedCountPaginator
from ..models import AWARD_ORDER_KEY

POSITIVE_INTEGER = re.compile(r"[1-9][0-9]*")


class ApiPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100  # larger values are capped, not refused
    page_query_description = "The page to answer, from 1 (the default), or `last` for the last one."
    page_size_query_description = "Results per page, 1 to 100 (larger values give 100). Default 20."
    example_url = ""  # the list's address, for the schema's example (set by ApiAutoSchema)

    @property
    def query_parameters(self) -> tuple[str, ...]:
        """The query parameters this paginator reads."""
        return (self.page_query_param, self.page_size_query_param)

    def paginate_queryset(self, queryset, request, view=None):
        # The count is kept under the token of the answer being made (registry/http_cache.py).
        self.django_paginator_class = functools.partial(CachedCountPaginator, request=request)
        return super().paginate_queryset(queryset, request, view)

    def query_param_errors(self, request) -> dict[str, list[str]]:
        """Malformed `page` / `page_size` values, by parameter name (DRF would silently ignore them)."""
        errors = {}
        page = request.query_params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings and not POSITIVE_INTEGER.fullmatch(page):
            errors[self.page_query_param] = ['A page number is a positive integer or "last".']
        page_size = request.query_params.get(self.page_size_query_param)
        if page_size is not None and not POSITIVE_INTEGER.fullmatch(page_size):
            errors[self.page_size_query_param] = ["A page size is a positive integer."]
        return errors

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if POSITIVE_INTEGER.fullmatch(value):
            # Any number of digits is a size to cap: int() itself refuses over 4,300 of them.
            return self.max_page_size if len(value) > 3 else min(int(value), self.max_page_size)
        return self.page_size

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:  # lets CSV readers, which have no JSON envelope, page through too
            response["Link"] = ", ".join(links)
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        examples = {self.page_query_param: 2, self.page_size_query_param: self.max_page_size}
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["example"] = examples[parameter["name"]]
        return parameters

    def get_paginated_response_schema(self, schema):
        """The envelope, its example page 2 of 3 at the list's own address."""
        envelope = super().get_paginated_response_schema(schema)
        properties = envelope["properties"]
        properties["count"]["example"] = 2 * self.page_size + 5
        properties["next"]["example"] = replace_query_param(self.example_url, self.page_query_param, 3)
        properties["previous"]["example"] = self.example_url  # page 1's link names no page
        return envelope


# A place in the default award order: year, edition, category position and id of the last row.
CURSOR = re.compile(r"([0-9]{4})\.([0-9]{1,18})\.([0-9]{1,5})\.([0-9]{1,18})")


class AwardPagination(ApiPagination):
    """Page numbers, or keyset pages with `cursor` (empty for the first page, then each `next`).

    A page reached by its cursor costs what the first one does, however deep: what a crawler or a
    full download wants. Cursor pages follow the default order and have no `previous`.
    """

    cursor_query_param = "cursor"
    cursor_query_description = (
        "Keyset paging in the default order: empty for the first page, then follow `next`. "
        "Not with `page` or `ordering`."
    )
    by_cursor = False

    @property
    def query_parameters(self) -> tuple[str, ...]:
        return (*super().query_parameters, self.cursor_query_param)

    def query_param_errors(self, request) -> dict[str, list[str]]:
        errors = super().query_param_errors(request)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is None:
            return errors
        if cursor and not CURSOR.fullmatch(cursor):
            errors[self.cursor_query_param] = ["Not a cursor: follow the next link of the previous page."]
        elif {self.page_query_param, "ordering"} & set(request.query_params):
            errors[self.cursor_query_param] = [
                "A cursor pages in the default order: leave out page and ordering."
            ]
        return errors

    def paginate_queryset(self, queryset, request, view=None):
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is None:
            return super().paginate_queryset(queryset, request, view)
        self.by_cursor, self.request = True, request
        self.count = CachedCountPaginator(queryset, 1, request=request).count
        if cursor:
            queryset = queryset.after_in_award_order(tuple(map(int, CURSOR.fullmatch(cursor).groups())))
        size = self.get_page_size(request)
        keys = list(queryset.values_list(*AWARD_ORDER_KEY)[: size + 1])
        self.next_cursor = ".".join(map(str, keys[size - 1])) if len(keys) > size else None
        return [key[-1] for key in keys[:size]]

    def get_next_link(self):
        if not self.by_cursor:
            return super().get_next_link()
        if self.next_cursor is None:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, self.next_cursor
        )

    def get_previous_link(self):
        return None if self.by_cursor else super().get_previous_link()

    def get_paginated_response(self, data):
        if not self.by_cursor:
            return super().get_paginated_response(data)
        response = Response(
            {"count": self.count, "next": self.get_next_link(), "previous": None, "results": data}
        )
        if response.data["next"]:
            response["Link"] = f'<{response.data["next"]}>; rel="next"'
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string", "pattern": CURSOR.pattern},
                "example": "",
            },
        ]
