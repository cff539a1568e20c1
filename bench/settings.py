"""Settings for `make bench` only: production settings plus the trivial view that is the floor.

The floor (`/bench/floor/`) goes through the same middleware as every page, so the ratios the
benchmark prints compare our work with Django's own per-request cost on the same server.
"""

from awards_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
