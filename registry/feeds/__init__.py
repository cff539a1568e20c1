"""Public feeds: JSON Feed 1.1, RSS and Atom of published awards and announcements.

Every item comes from a visibility-rule QuerySet method. Every endpoint answers through the one
HTTP cache layer, `registry/http_cache.py` (so a 304 never runs the list query), allows any
origin (`registry/cors.py`), and turns bad filters into a 400 JSON body naming the fields.
Links are absolute on the requesting host. `base.py` holds what every feed shares, `items.py`
what an item says and JSON Feed, `syndication.py` RSS and Atom.
"""

from .base import feed_endpoint, feed_list
from .items import awards_json, news_json
from .syndication import awards_atom, awards_rss, news_atom, news_rss

__all__ = [
    "awards_atom",
    "awards_json",
    "awards_rss",
    "feed_endpoint",
    "feed_list",
    "news_atom",
    "news_json",
    "news_rss",
]
