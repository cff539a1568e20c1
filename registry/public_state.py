"""The public-state token: what every stored or revalidated public answer is keyed by.

The invariant, on which every ETag, 304 and stored answer of the site rests:

    Every committed write to a table a public answer is made of moves the token, whatever the
    write path (`save()`, `QuerySet.update()`, `bulk_create()`, deletes, raw SQL, imports, the
    shell, migrations), and so does every scheduled publication time as it passes.

Writes are caught by the database itself, not by application code that could be bypassed:
triggers on every table of this app (`write_tables()`: new models are covered without a line
here) move the one `DataVersion` row. On PostgreSQL they are deferred constraint triggers that
run at commit, once per transaction, so a writer takes the row's lock only as it commits (no
lock-order deadlock with the services' row locks) and a COPY of many rows moves it once; a
TRUNCATE moves it too. On SQLite they run per row (SQLite has one writer at a time). The
triggers are (re)installed after every `migrate` (`install_write_triggers`), because SQLite
rebuilds a table on most schema changes and drops its triggers with it; that also moves the
version, since a migration may have rewritten data. (On PostgreSQL a migration that writes rows
with `RunPython` and then alters the same table must first run the pending triggers with
`SET CONSTRAINTS ALL IMMEDIATE`, as Django's own schema editor does after its updates, or be split
in two: PostgreSQL alters no table with trigger events pending. `0008_url_schemes` shows how.)
`tests/test_public_state.py` walks every table and write path and fails if one does not move
the token.

Time moves the token too, with nothing written: it carries the newest publication time already
past (edition results, announcements, ceremony announcements), so an embargo lifting makes a new
token at that very moment. `next_publication` bounds how long anything may be reused.

Every write moving the token means the token also moves on work the public cannot see (a
clerk's edit of an unpublished nomination): such a change shows that something was written, never
what; the answers themselves are unchanged.
"""

import datetime
import time
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, router
from django.db.models import DateTimeField, Subquery
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# Bump when a representation changes without a data change, so clients do not keep old shapes.
REPRESENTATION_VERSION = "4"


@dataclass(frozen=True)
class PublicState:
    token: str  # changes whenever anything public may have changed
    last_modified: datetime.datetime | None  # the last write or publication, whichever is later
    next_publication: datetime.datetime | None
    database_now: datetime.datetime | None = None  # the database clock when this was read
    read_at: float = 0.0  # time.time() when read from the database

    def is_fresh(self, now: datetime.datetime, ttl: float) -> bool:
        """Reusable at `now`: read less than `ttl` seconds ago, and no scheduled publication since."""
        return now.timestamp() - self.read_at < ttl and (
            self.next_publication is None or self.next_publication > now
        )

    @property
    def http_last_modified(self) -> int | None:
        """`last_modified` in whole seconds for the Last-Modified header, or None not to send one.

        HTTP dates have one-second resolution: a second change within the same second would
        carry the same date, and a client holding the first answer would get a 304 for the
        second one. So the date is only given once its second is over (by the database clock,
        which stamps the writes); until then the ETag alone revalidates.
        """
        if self.last_modified is None or self.database_now is None:
            return None
        second = int(self.last_modified.timestamp())
        return second if int(self.database_now.timestamp()) > second else None


# --- The triggers ------------------------------------------------------------------------------

TRIGGER_PREFIX = "registry_moves_data_version"
# PostgreSQL: the transaction and statement that last moved the version. The deferred triggers
# all run in the COMMIT statement, so a transaction moves it once; made IMMEDIATE (as the test
# suite does, whose tests never commit), they move it once per statement.
_MOVED_BY = "registry.data_version_moved_by"

_POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION registry_move_data_version() RETURNS void LANGUAGE sql AS $$
    INSERT INTO {{table}} (id, number, changed_at) VALUES (1, 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET
        number = {{table}}.number + 1,
        changed_at = GREATEST({{table}}.changed_at, EXCLUDED.changed_at);
$$;
CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    this_statement text := txid_current()::text || ' ' || statement_timestamp()::text;
BEGIN
    IF current_setting('{_MOVED_BY}', true) IS DISTINCT FROM this_statement THEN
        PERFORM registry_move_data_version();
        PERFORM set_config('{_MOVED_BY}', this_statement, true);
    END IF;
    RETURN NULL;
END $$;
"""

# SQLite's 'now' has milliseconds; the text sorts like the times it stands for.
_SQLITE_BODY = """
INSERT INTO {table} (id, number, changed_at)
VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'))
ON CONFLICT (id) DO UPDATE SET number = number + 1, changed_at = max(changed_at, excluded.changed_at);
"""


def write_tables() -> list[str]:
    """Every table of this app a public answer can be made of: all but the history and the version."""
    from .models import DataVersion

    tables = set()
    for model in apps.get_app_config("registry").get_models(include_auto_created=True):
        opts = model._meta
        historical = opts.db_table.startswith("registry_historical")  # django-simple-history's
        if opts.managed and not opts.proxy and not historical and model is not DataVersion:
            tables.add(opts.db_table)
    return sorted(tables)


def trigger_names(table: str) -> dict[str, str]:
    """The triggers of `table`, by the event they fire on."""
    return {event: f"{TRIGGER_PREFIX}_{event.lower()}_{table}"[:63] for event in _EVENTS}


_EVENTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


def _installed_triggers(cursor, vendor: str) -> set[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    elif vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    else:
        raise NotImplementedError(f"No write triggers for {vendor}.")
    return {name for (name,) in cursor.fetchall()}


def _events(vendor: str) -> tuple[str, ...]:
    return _EVENTS if vendor == "postgresql" else _EVENTS[:3]  # SQLite has no TRUNCATE


def missing_write_triggers(connection) -> list[str]:
    """The triggers `install_write_triggers` would create on `connection`'s database: none, or
    a write path the token would miss."""
    with connection.cursor() as cursor:
        installed = _installed_triggers(cursor, connection.vendor)
    return [
        trigger_names(table)[event]
        for table in write_tables()
        for event in _events(connection.vendor)
        if trigger_names(table)[event] not in installed
    ]


def install_write_triggers(connection) -> None:
    """Create the missing triggers on `connection`'s database and move the version once."""
    from .models import DataVersion

    version_table = DataVersion._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        existing_tables = set(connection.introspection.table_names(cursor))
        if version_table not in existing_tables:
            return  # migrated back before the version existed
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_FUNCTIONS.format(table=quote(version_table)))
        installed = _installed_triggers(cursor, connection.vendor)
        for table in write_tables():
            if table not in existing_tables:
                continue
            for event in _events(connection.vendor):
                name = trigger_names(table)[event]
                if name in installed:
                    continue
                if connection.vendor == "sqlite":
                    cursor.execute(
                        f"CREATE TRIGGER {quote(name)} AFTER {event} ON {quote(table)} "
                        f"BEGIN {_SQLITE_BODY.format(table=quote(version_table))} END"
                    )
                elif event == "TRUNCATE":  # statement triggers cannot be deferred
                    cursor.execute(
                        f"CREATE TRIGGER {quote(name)} AFTER TRUNCATE ON {quote(table)} "
                        f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_PREFIX}()"
                    )
                else:
                    cursor.execute(
                        f"CREATE CONSTRAINT TRIGGER {quote(name)} AFTER {event} ON {quote(table)} "
                        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {TRIGGER_PREFIX}()"
                    )
        # A migration may have rewritten anything, some of it while a table had no triggers.
        move_data_version(cursor, connection.vendor)


def move_data_version(cursor, vendor: str) -> None:
    """Move the version by hand (after a migration), as the triggers do."""
    from .models import DataVersion

    if vendor == "postgresql":
        cursor.execute("SELECT registry_move_data_version()")
    else:
        cursor.execute(_SQLITE_BODY.format(table=cursor.db.ops.quote_name(DataVersion._meta.db_table)))


def install_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate receiver: the triggers of the database just migrated."""
    install_write_triggers(connections[using])


# --- Reading the token --------------------------------------------------------------------------


def _as_datetime(value) -> datetime.datetime | None:
    # SQLite hands back text for a subquery over a datetime column.
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


def _scheduled_times():
    """(queryset, field) of every scheduled publication time: each makes something public."""
    from .models import Announcement, Ceremony, Edition

    return (
        (Edition.objects.all(), "results_published_at"),
        (Announcement.objects.all(), "published_at"),
        (Ceremony.objects.all(), "announced_at"),
    )


def public_state(now: datetime.datetime | None = None) -> PublicState:
    """The token, read in one query from the database the public reads go to."""
    from .models import DataVersion

    now = now or timezone.now()
    times = {}
    for i, (queryset, field) in enumerate(_scheduled_times()):
        past = queryset.filter(**{f"{field}__lte": now}).order_by(f"-{field}").values(field)[:1]
        upcoming = queryset.filter(**{f"{field}__gt": now}).order_by(field).values(field)[:1]
        times[f"past_{i}"] = Subquery(past, output_field=DateTimeField())
        times[f"next_{i}"] = Subquery(upcoming, output_field=DateTimeField())
    # A replica (through the router) serves the data too, so the token never runs ahead of it.
    alias = router.db_for_read(DataVersion)
    row = (
        DataVersion.objects.using(alias)
        .filter(pk=DataVersion.ROW)
        .annotate(database_now=Now(), **times)
        .values("number", "changed_at", "database_now", *times)
        .first()
    )
    if row is None:  # only before the first write after a flush
        row = {"number": 0, "changed_at": None, "database_now": None} | dict.fromkeys(times)
    changed_at = _as_datetime(row["changed_at"])
    past = [_as_datetime(row[f"past_{i}"]) for i in range(len(times) // 2)]
    upcoming = [_as_datetime(row[f"next_{i}"]) for i in range(len(times) // 2)]
    token = "|".join(
        [
            REPRESENTATION_VERSION,
            str(row["number"]),
            *(value.isoformat() if value else "-" for value in (changed_at, *past)),
        ]
    )
    return PublicState(
        token=token,
        last_modified=max(filter(None, (changed_at, *past)), default=None),
        next_publication=min(filter(None, upcoming), default=None),
        database_now=_as_datetime(row["database_now"]),
        read_at=time.time(),
    )
