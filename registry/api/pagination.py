"""Page-number pagination for the API: `page`, `page_size` (capped at 100), and a Link header."""

import functools
import re

from rest_framework.pagination import PageNumberPagination

from ..http_cache import CachedCountPaginator

POSITIVE_INTEGER = re.compile(r"[1-9][0-9]*")


class ApiPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100  # larger values are capped, not refused
    page_size_query_description = "Results per page, 1 to 100 (larger values give 100). Default 20."

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
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
