"""The registry's data model, one module per part of the record.

The one visibility rule lives in `NominationQuerySet.public()` (`nominations.py`): an award is
public iff its status is `awarded` and its edition's `results_published_at` is set and not in
the future. Every other public read (recipients, editions, ceremonies) is derived from it.
"""

from .data_version import DataVersion
from .events import Announcement, AnnouncementQuerySet, Ceremony, CeremonyQuerySet, Presentation
from .nominations import (
    AWARD_ORDER,
    AWARD_ORDER_KEY,
    Achievement,
    Nomination,
    NominationQuerySet,
    NominationStatus,
    Nominee,
    NomineeKind,
    NomineeQuerySet,
    search_text_expression,
)
from .paths import award_path, ceremony_path, edition_path, program_path, recipient_path
from .programs import (
    MAX_YEAR,
    MIN_YEAR,
    WEB_URL_PREFIXES,
    Category,
    CategoryQuerySet,
    Edition,
    EditionQuerySet,
    Organization,
    Program,
    ProgramQuerySet,
    publication_label,
    publication_state,
    slug_not_only_digits,
    time_zone_named,
    validate_timezone,
    web_url,
    web_url_condition,
    wikidata_id_validator,
)

__all__ = [
    "AWARD_ORDER",
    "AWARD_ORDER_KEY",
    "MAX_YEAR",
    "MIN_YEAR",
    "WEB_URL_PREFIXES",
    "award_path",
    "ceremony_path",
    "edition_path",
    "program_path",
    "recipient_path",
    "Achievement",
    "Announcement",
    "AnnouncementQuerySet",
    "Category",
    "CategoryQuerySet",
    "Ceremony",
    "CeremonyQuerySet",
    "DataVersion",
    "Edition",
    "EditionQuerySet",
    "Nomination",
    "NominationQuerySet",
    "NominationStatus",
    "Nominee",
    "NomineeKind",
    "NomineeQuerySet",
    "Organization",
    "Presentation",
    "Program",
    "ProgramQuerySet",
    "publication_label",
    "publication_state",
    "search_text_expression",
    "slug_not_only_digits",
    "time_zone_named",
    "validate_timezone",
    "web_url",
    "web_url_condition",
    "wikidata_id_validator",
]
