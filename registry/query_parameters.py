"""Strict query strings for the machine surfaces (the API and the feeds): a parameter an endpoint
does not read is an error, not silently ignored, so a typo (`?programme=` for `?program=`) never
looks like an answer. Each endpoint hands over the names it reads, taken from its own FilterSet,
paginator or form, so this list cannot drift from what the code reads. The public pages stay
lenient: people paste links with anything appended.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

# Added by links in newsletters and analytics (`utm_source`…) or by scripts to miss a cache (`_`):
# not the client's question, so accepted everywhere and otherwise ignored.
TRACKING_PREFIX = "utm_"
CACHE_BUSTER = "_"


def is_tracking(name: str) -> bool:
    return name == CACHE_BUSTER or name.startswith(TRACKING_PREFIX)


def unknown_parameters(names: Iterable[str], accepted: Iterable[str]) -> dict[str, list[str]]:
    """Each of `names` the endpoint does not read, with a message listing the ones it does, in the
    shape of the other 400s: `{"recipient": ["Unknown parameter. …"]}`."""
    accepted = set(accepted)
    unknown = sorted({name for name in names if name not in accepted and not is_tracking(name)})
    if not unknown:
        return {}
    if accepted:
        message = _("Unknown parameter; this address accepts %(names)s, and utm_* or _.") % {
            "names": ", ".join(sorted(accepted))
        }
    else:
        message = _("Unknown parameter; this address accepts none but utm_* or _.")
    return {name: [message] for name in unknown}
