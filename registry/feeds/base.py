"""What every feed shares: GET only, filters validated into a 400 (unknown parameters too), the
one cache layer, keyset pages newest first (`before=`), stable item ids; and the /feeds/ page
that lists them."""

import datetime
from functools import wraps
from typing import NamedTuple

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..awards import Award, award_rows
from ..filters import AwardFeedFilter, award_feed_query
from ..http_cache import public_answer
from ..models import Announcement, Nomination, Program
from ..query_parameters import unknown_parameters

ITEMS_PER_PAGE = 50
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
AWARD_PUBLISHED = "published_at"  # the copy on the nomination: an index serves the order
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_CONTENT_TYPE = "application/feed+json; charset=utf-8"


class Position(NamedTuple):
    """Where a page ends in newest-first order; `before=<µs since 1970>-<pk>` in a next_url."""

    published_at: datetime.datetime
    pk: int

    def __str__(self):
        return f"{(self.published_at - EPOCH) // MICROSECOND}-{self.pk}"


class CursorForm(forms.Form):
    # At most 16 digits of microseconds (year 2286) and 18 of pk: never overflows.
    before = forms.RegexField(
        r"^[0-9]{1,16}-[0-9]{1,18}$",
        required=False,
        error_messages={"invalid": "Not a feed position: follow the next_url of the previous document."},
    )

    def clean_before(self):
        value = self.cleaned_data["before"]
        if not value:
            return None
        microseconds, pk = value.split("-")
        return Position(EPOCH + int(microseconds) * MICROSECOND, int(pk))


def feed_endpoint(filterset_class=None, paginated=False):
    """Wrap a feed view: GET/HEAD only, 400 on bad or unknown parameters, conditional GET (CORS is
    the middleware's, `registry/cors.py`).

    The view receives the validated filterset as `filterset` when `filterset_class` is given,
    and the `Position` its page starts after as `before` when `paginated`.
    """

    def decorator(view):
        @wraps(view)
        def validated(request, *args, **kwargs):
            errors, accepted = {}, set()
            if filterset_class is not None:
                filterset = filterset_class(
                    request.GET, queryset=filterset_class._meta.model.objects.public()
                )
                accepted.update(filterset.filters)
                if not filterset.is_valid():
                    errors.update(filterset.errors)
                kwargs["filterset"] = filterset
            if paginated:
                form = CursorForm(request.GET)
                accepted.update(form.fields)
                if not form.is_valid():
                    errors.update(form.errors)
                kwargs["before"] = form.cleaned_data.get("before")
            errors.update(unknown_parameters(request.GET, accepted))
            if errors:
                return JsonResponse(errors, status=400)
            return view(request, *args, **kwargs)

        # Validation runs only when the answer is not a 304 or a stored copy: those exist only for
        # a URL that once validated, as the ETag covers the whole URL.
        conditional_view = public_answer(validated)

        @require_safe
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return conditional_view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- What an item says, shared by the JSON, RSS and Atom feeds --------------------------------


def newest_first(queryset, published_field: str, before: Position | None = None, limit: int = ITEMS_PER_PAGE):
    """Up to `limit` rows published before `before`, newest first.

    Keyset pagination: the last page costs what the first does, and a row published while a
    reader walks the chain neither repeats nor hides an item.
    """
    if before is not None:
        moment = before.published_at
        queryset = queryset.filter(
            Q(**{f"{published_field}__lt": moment}) | Q(**{published_field: moment, "pk__lt": before.pk})
        )
    return queryset.order_by(f"-{published_field}", "-pk")[:limit]


def award_page(queryset, before: Position | None = None, limit: int = ITEMS_PER_PAGE) -> list[Award]:
    """A page of public awards from `queryset`, newest first, as `award_rows()` rows.

    The page's keys come from narrow rows; only those rows are then joined to their details
    (sorting 100,000 fully joined rows to keep 50 is what makes a feed slow).
    """
    return award_rows(newest_first(queryset.values_list("pk", flat=True), AWARD_PUBLISHED, before, limit))


def public_announcements():
    """Published announcements (`newest_first` orders them)."""
    return Announcement.objects.published()


def announcement_modified(announcement: Announcement) -> datetime.datetime:
    return max(announcement.published_at, announcement.updated_at)


def item_id(obj) -> str:
    # Primary keys are never reused (PostgreSQL sequences, SQLite AUTOINCREMENT) and survive
    # edits of names and slugs, unlike page URLs.
    return f"urn:awards-registry:{obj._meta.model_name}:{obj.pk}"


def rfc3339(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed_url(request: HttpRequest, before: Position | None = None) -> str:
    query = request.GET.copy()
    query.pop("before", None)
    if before is not None:
        query["before"] = str(before)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}" if query else request.path)


def with_filters(path: str, filterset: AwardFeedFilter) -> str:
    """A page URL carrying the feed's filters, e.g. `/awards/?program=…`, so it shows the same awards."""
    query = award_feed_query(filterset.data)
    return f"{path}?{query}" if query else path


# --- The /feeds/ page --------------------------------------------------------------------------


@require_safe
@public_answer
def feed_list(request):
    """Every feed with what it holds, and the awards feeds of each programme with public awards."""
    programs = Program.objects.filter(
        Exists(Nomination.objects.public().filter(edition__program=OuterRef("pk")))
    )
    context = {
        "programs": programs.order_by("name", "id"),
        "title": "Feeds and calendar",
        "description": "Follow published awards and news as JSON Feed, RSS or Atom, "
        "and award ceremonies as an iCalendar.",
        "breadcrumbs": [(None, "Feeds")],
    }
    return render(request, "registry/feed_list.html", context)
