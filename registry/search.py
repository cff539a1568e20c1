"""Accent- and case-insensitive word-prefix search, identical on PostgreSQL and SQLite.

Both databases fold text the same way with a function named `registry_fold`: accents
stripped, lower case, every run of letters and digits one word, each word preceded by a
space (" jorge dominguez martinez vertiz"). A query word matches a text that has a word
starting with it, so "domin" and "Domínguez" both find "Jorge Dominguez".

- PostgreSQL: `registry_fold` is an IMMUTABLE SQL function over the `unaccent` extension
  (migration 0002_search), and the match is full-text search on
  `to_tsvector('simple', registry_fold(column))` with a prefix `to_tsquery`, served by a GIN
  expression index per searched column.
- SQLite: `registry_fold` is the Python `fold()` below, registered on every new connection
  (`RegistryConfig.ready`), and the match is `registry_fold(column) LIKE '% word%'`.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db.models import CharField, F, Func
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


def word_match(field: str, word: str, vendor: str):
    """A filter expression: some word of `field` starts with `word` (a `query_words()` word)."""
    if vendor == "postgresql":
        vector = SearchVector(Fold(F(field)), config="simple")
        return SearchVectorExact(vector, SearchQuery(f"{word}:*", search_type="raw", config="simple"))
    return Contains(Fold(F(field)), f" {word}")


def register_sqlite_function(sender, connection, **kwargs):
    """`connection_created` receiver: give SQLite the same `registry_fold` as PostgreSQL."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
