"""Search (registry/search.py): on PostgreSQL, the unaccent extension, an IMMUTABLE
`registry_fold()` function and one GIN full-text index per searched column. SQLite needs
nothing stored: it gets `registry_fold()` as a Python function on each connection."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# (table, column): the columns NominationQuerySet.search() reads.
SEARCHED_COLUMNS = [
    ("registry_nominee", "name"),
    ("registry_organization", "name"),
    ("registry_organization", "short_name"),
    ("registry_category", "name"),
    ("registry_nomination", "citation"),
]

# Same result as search.fold() in Python: unaccented, lower case, words separated by spaces.
# unaccent() is only STABLE (it reads its dictionary by search_path); naming the dictionary
# and schema makes the wrapper safe to declare IMMUTABLE, which an index expression needs.
CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION registry_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN ' ' || regexp_replace(
    lower(public.unaccent('public.unaccent'::regdictionary, $1)), '[^[:alnum:]]+', ' ', 'g'
);
"""

# Must be the expression Django's SearchVector(Fold(column), config="simple") compiles to,
# or the planner will not use the index (checked in tests/test_search.py).
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS {table}_{column}_fts ON {table} USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(registry_fold({column}), ''::text)))"
)


def create_search_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for table, column in SEARCHED_COLUMNS:
        schema_editor.execute(CREATE_INDEX.format(table=table, column=column))


def drop_search_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_fts")
    schema_editor.execute("DROP FUNCTION IF EXISTS registry_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_search_objects, drop_search_objects, elidable=False),
    ]
