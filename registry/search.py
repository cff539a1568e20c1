"""Accent- and case-insensitive word-prefix search, identical on PostgreSQL and SQLite.

Both databases fold text the same way with a function named `registry_fold`: accents
stripped, lower case, every run of letters and digits one word, each word preceded by a
space (" jorge dominguez martinez vertiz"). A query word matches a text that has a word
starting with it, so "domin" and "Domínguez" both find "Jorge Dominguez".

Each nomination stores the folded words it is found by (`Nomination.search_text`, computed in
the database by `registry.models.search_text_expression()`), so a search reads one table:

- PostgreSQL: `registry_fold` is an IMMUTABLE SQL function over the `unaccent` extension
  (migration 0002_search); the match is full-text search on the stored generated column
  `search_vector` (`to_tsvector('simple', search_text)`, migration 0005_sort_keys, not a model
  field) with a prefix `to_tsquery`, served by a GIN index over the awarded rows.
- SQLite: `registry_fold` is the Python `fold()` below, registered on every new connection
  (`RegistryConfig.ready`), and the match is `' ' || search_text LIKE '% word%'` for each word.
"""

import re
import unicodedata

from django.db.models import BooleanField, CharField, Expression, F, Func, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains

# Beyond what Unicode decomposition strips: letters PostgreSQL's unaccent also folds.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
    | {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i"}
)
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as PostgreSQL's [[:alnum:]]

# A query longer than this many words is cut: it bounds the SQL, and nobody types more.
MAX_QUERY_WORDS = 8

SQL_FUNCTION = "registry_fold"


def fold(text: str | None) -> str | None:
    """The searchable form of a text: " word word …", unaccented and lower case."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " " + " ".join(_WORD.findall(bare))


def query_words(text: str) -> list[str]:
    """The words of a search query, folded, duplicates removed, at most `MAX_QUERY_WORDS`."""
    return list(dict.fromkeys((fold(text) or "").split()))[:MAX_QUERY_WORDS]


class Fold(Func):
    function = SQL_FUNCTION
    output_field = CharField()


class StoredVectorMatches(Expression):
    """`search_vector @@ to_tsquery('simple', query)` on the nominations being filtered, by the
    alias their table has in the query (also inside a subquery): the column is not a model field,
    so Django cannot name it itself."""

    output_field = BooleanField()

    def __init__(self, tsquery: str):
        super().__init__()
        self.tsquery = tsquery
        self.alias = None

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        column = f"{table}.{connection.ops.quote_name('search_vector')}"
        return f"{column} @@ to_tsquery('simple'::regconfig, %s)", [self.tsquery]


def text_match(words: list[str], vendor: str):
    """A filter expression on nominations: every word of `words` (`query_words()`) starts a word
    of their folded `search_text`. PostgreSQL: one prefix tsquery against the stored
    `search_vector` column (migration 0005), which its GIN index serves."""
    if vendor == "postgresql":
        return StoredVectorMatches(" & ".join(f"{word}:*" for word in words))
    spaced = Concat(Value(" "), F("search_text"), output_field=CharField())  # the stored text is trimmed
    return Q(*(Contains(spaced, f" {word}") for word in words))


def register_sqlite_function(sender, connection, **kwargs):
    """`connection_created` receiver: give SQLite the same `registry_fold` as PostgreSQL."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
