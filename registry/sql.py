"""Querysets compiled to SQL once, then run with each request's values: the hot public reads.

Django compiles a queryset every time it runs, which for the award rows' eight-table join costs
more than PostgreSQL takes to run the statement once it is prepared (`DB_PREPARED_STATEMENTS`;
figures in docs/performance.md). A
statement here is compiled the first time it runs on a database, with stand-in values where
each request's values go (`STAND_IN_NOW` for the visibility rule's "now", `stand_in_ids()` for
a list of primary keys), and from then on only its parameters change.
"""

import datetime

from django.db import connections

STAND_IN_NOW = datetime.datetime(2000, 1, 1, 0, 0, 0, 123457, tzinfo=datetime.UTC)
_compiled = {}


def stand_in_ids(count: int) -> list[int]:
    """`count` primary keys no row has, to compile an `id__in` of that many parameters."""
    return [-(10**15) - i for i in range(count)]


class UnboundSlot(RuntimeError):
    """A stand-in value was not found among a compiled statement's parameters: run as it is, the
    statement would use the stand-in (a year-2000 "now", ids no row has) for the life of the process."""


def fetch(
    alias: str, key, build, *, now: datetime.datetime | None = None, ids: list[int] = ()
) -> list[tuple]:
    """The rows of the queryset `build()` returns, run on database `alias` with `now` and `ids`.

    `build()` must use `STAND_IN_NOW` if it is given a `now`, and `stand_in_ids(len(ids))`; it
    runs once per `key` and database, and `UnboundSlot` is raised if a stand-in is missing from
    the compiled parameters. Rows come as the database driver returns them (SQLite: dates as text).
    """
    connection = connections[alias]
    statement = _compiled.get((key, alias))
    if statement is None:
        sql, params = build().query.get_compiler(using=alias).as_sql()
        stand_in_now = connection.ops.adapt_datetimefield_value(STAND_IN_NOW)
        slots = {value: i for i, value in enumerate(stand_in_ids(len(ids)))}
        positions = [
            ("now", None) if p == stand_in_now else ("id", slots[p]) if p in slots else None for p in params
        ]
        bound_ids = {position[1] for position in positions if position and position[0] == "id"}
        if len(bound_ids) != len(ids):
            raise UnboundSlot(f"{key}: {len(ids) - len(bound_ids)} of {len(ids)} ids have no parameter slot.")
        if now is not None and ("now", None) not in positions:
            raise UnboundSlot(f"{key}: the stand-in time has no parameter slot; the statement would keep it.")
        statement = _compiled[key, alias] = (sql, params, positions)
    sql, params, positions = statement
    db_now = connection.ops.adapt_datetimefield_value(now) if now is not None else None
    bound = [
        value if position is None else db_now if position[0] == "now" else ids[position[1]]
        for value, position in zip(params, positions, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        return cursor.fetchall()
