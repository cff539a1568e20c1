"""What keeps the admin fast at 500,000 nominations (docs/performance.md), and the reading of
what its requests send (search words, ids): never a 500."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

ESTIMATE_ABOVE = 100_000
DEEP_OFFSET = 10_000


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, an unfiltered list of a big table counts from the planner's statistics.

    COUNT(*) of 500,000 rows costs tens of milliseconds on every page load; the estimate is
    free and close enough for "about how many pages". Filtered lists are counted exactly.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate > ESTIMATE_ABOVE:
                return estimate
        return super().count

    def page(self, number):
        """Deep pages find their ids first (an index-only walk), then fetch and join only those rows.

        OFFSET 100,000 with the changelist's joins would join 100,000 rows just to skip them.
        """
        page = super().page(number)
        if (page.number - 1) * self.per_page >= DEEP_OFFSET:
            ids = list(page.object_list.values_list("pk", flat=True))
            page.object_list = list(self.object_list.filter(pk__in=ids))
        return page


def search_words(search_term: str):
    """The words of an admin search, "quoted phrases" kept together, as Django's own search splits them."""
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            yield bit


def as_id(value: str | None) -> int | None:
    """A query-string value as a database id, or None for anything else (never a 500)."""
    return int(value) if value and value.isdigit() and len(value) <= 18 else None
