"""Conditional GET (ETag / Last-Modified / 304) for public data, computed without the list query.

A `Validators` value fingerprints what the public can see *now*: counts, the newest edit and
the newest publication time of the visible rows, and when their publication was last edited.
Everything is filtered through the visibility-rule QuerySet methods, so an embargo lifting
changes the fingerprint at that moment (a new row enters the visible set, with a publication
time later than any earlier answer) and nothing about unpublished rows can be inferred from it.

Limitation: rows without a timestamp (nominee, category, programme, organisation) do not move
the validators when edited alone; `Cache-Control: no-cache` keeps clients revalidating, so an
edit shows as soon as anything public with a timestamp changes.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .models import Announcement, Ceremony, Edition, Nomination

# Revalidate on every use: a stored answer must never outlive an embargo.
CACHE_CONTROL = "public, no-cache"


@dataclass(frozen=True)
class Validators:
    """The state of one public resource: a fingerprint for the ETag and a Last-Modified time."""

    fingerprint: str
    last_modified: datetime.datetime | None

    def etag(self, request) -> str:
        # One representation per URL (filters, page) and host (absolute links in the body).
        key = f"{self.fingerprint}|{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def _latest(*times):
    present = [t for t in times if t is not None]
    return max(present) if present else None


def last_edit(model) -> Subquery:
    """When the outer row was last saved, from its django-simple-history records."""
    history = model.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    return Subquery(history.values("history_date")[:1])


def _published_rows(queryset, published_field: str) -> tuple:
    """(count, newest publication time, newest edit) of rows that are live."""
    state = queryset.annotate(edited_at=last_edit(queryset.model)).aggregate(
        count=Count("id"), published=Max(published_field), edited=Max("edited_at")
    )
    return state["count"], state["published"], state["edited"]


def _fingerprint(*parts) -> str:
    return "|".join("" if p is None else p.isoformat() if hasattr(p, "isoformat") else str(p) for p in parts)


def awards_validators(now=None) -> Validators:
    """Public awards: live editions (count, publication times, last edit) and public nominations."""
    now = now or timezone.now()
    editions = _published_rows(Edition.objects.published(now), "results_published_at")
    awards = Nomination.objects.public(now).aggregate(count=Count("id"), updated=Max("updated_at"))
    return Validators(
        fingerprint=_fingerprint("awards", *editions, awards["count"], awards["updated"]),
        last_modified=_latest(*editions[1:], awards["updated"]),
    )


def announcements_validators(now=None) -> Validators:
    """Published announcements: count, newest publication time, last edit."""
    news = _published_rows(Announcement.objects.published(now), "published_at")
    return Validators(fingerprint=_fingerprint("news", *news), last_modified=_latest(*news[1:]))


def ceremonies_validators(now=None) -> Validators:
    """Public ceremonies. They carry no edit timestamp, so their (few) rows are fingerprinted whole."""
    now = now or timezone.now()
    rows = list(
        Ceremony.objects.public(now)
        .order_by("id")
        .values_list(
            "id",
            "edition__results_published_at",
            "announced_at",
            "name",
            "slug",
            "date",
            "start_time",
            "timezone",
            "venue",
            "city",
            "country",
            "description",
            "edition__program__name",
        )
    )
    went_public = [
        _latest(*(t for t in (published, announced) if t is not None and t <= now))
        for _, published, announced, *_ in rows
    ]
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    return Validators(fingerprint=f"ceremonies|{digest}", last_modified=_latest(*went_public))


def conditional(validators_for: Callable[[], Validators]):
    """View decorator: 304 when the client's copy is current, else the view's response with validators.

    The validators are computed before the view runs, so a 304 never runs the list query.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            validators = validators_for()
            etag = validators.etag(request)
            last_modified = validators.last_modified
            timestamp = int(last_modified.timestamp()) if last_modified else None  # HTTP dates: whole seconds
            response = get_conditional_response(request, etag=etag, last_modified=timestamp)
            if response is None:
                response = view(request, *args, **kwargs)
            if response.status_code in (200, 304):
                response.headers["ETag"] = etag
                if timestamp is not None:
                    response.headers["Last-Modified"] = http_date(timestamp)
                response.headers["Cache-Control"] = CACHE_CONTROL
            return response

        return wrapper

    return decorator
