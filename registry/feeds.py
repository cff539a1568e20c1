"""Public feeds (SPEC §7): JSON Feed 1.1, RSS and Atom of published awards and announcements.

Every item comes from a visibility-rule QuerySet method. Every endpoint answers through the one
HTTP cache layer, `registry/http_cache.py` (so a 304 never runs the list query), allows any
origin (`registry/cors.py`), and turns bad filters into a 400 JSON body naming the fields.
Links are absolute on the requesting host.
"""

import datetime
from dataclasses import dataclass
from functools import wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from .awards import Award, AwardSerializer, award_rows
from .filters import AwardFilter
from .http_cache import public_answer
from .models import Announcement, Nomination, Program, web_url

ITEMS_PER_PAGE = 50
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
AWARD_PUBLISHED = "published_at"  # the copy on the nomination: an index serves the order
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_CONTENT_TYPE = "application/feed+json; charset=utf-8"


class AwardFeedFilter(AwardFilter):
    """The award filters a feed takes (SPEC §7); other query parameters are ignored."""

    FEED_FILTERS = ("program", "category", "country", "year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.FEED_FILTERS}


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
    """Wrap a feed view: GET/HEAD only, 400 on bad parameters, conditional GET (CORS is the
    middleware's, `registry/cors.py`).

    The view receives the validated filterset as `filterset` when `filterset_class` is given,
    and the `Position` its page starts after as `before` when `paginated`.
    """

    def decorator(view):
        @wraps(view)
        def validated(request, *args, **kwargs):
            errors = {}
            if filterset_class is not None:
                filterset = filterset_class(request.GET, queryset=Nomination.objects.public())
                if not filterset.is_valid():
                    errors.update(filterset.errors)
                kwargs["filterset"] = filterset
            if paginated:
                form = CursorForm(request.GET)
                if not form.is_valid():
                    errors.update(form.errors)
                kwargs["before"] = form.cleaned_data.get("before")
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


# The award items below are views of `registry.awards.Award` rows.


def award_item_id(award: Award) -> str:
    return f"urn:awards-registry:nomination:{award.id}"


def award_title(award: Award) -> str:
    return f"{award.recipient.name} receives the {award.year} {award.category.name}"


def award_summary(award: Award) -> str:
    recipient = award.recipient
    who = ", ".join(part for part in (recipient.title, recipient.affiliation) if part)
    name = f"{recipient.name} ({who})" if who else recipient.name
    return f"{name} receives the {award.year} {award.category.name} of the {award.program.name}."


def _presented_by(award: Award) -> str:
    """ "<ceremony>, <date>, <venue>, <city>. Presented by <name>, <title>." """
    presentation = award.presentation
    if presentation is None:
        return ""
    where = [
        presentation.ceremony_name,
        f"{presentation.ceremony_date:%Y-%m-%d}",
        presentation.venue,
        presentation.city,
    ]
    presenter = ", ".join(p for p in (presentation.presenter_name, presentation.presenter_title) if p)
    text = ", ".join(p for p in where if p) + "."
    return f"{text} Presented by {presenter}." if presenter else text


def award_text(award: Award) -> str:
    parts = [award_summary(award), award.citation, *map(str, award.achievements), _presented_by(award)]
    return "\n\n".join(part for part in parts if part)


def paragraphs(text: str) -> str:
    """Plain text as escaped HTML paragraphs."""
    return mark_safe(linebreaks(text, autoescape=True))  # safe: linebreaks escaped the text


def award_html(award: Award) -> str:
    """The item's HTML: every value escaped."""
    achievements = format_html_join("", "<li>{}</li>", ((a,) for a in award.achievements))
    presented_by = _presented_by(award)
    return format_html(
        "<p>{}</p>{}{}{}",
        award_summary(award),
        paragraphs(award.citation),
        format_html("<ul>{}</ul>", achievements) if achievements else "",
        format_html("<p>{}</p>", presented_by) if presented_by else "",
    )


def award_tags(award: Award) -> list[str]:
    tags = [award.program.name, award.category.name, str(award.year), award.recipient.country_name]
    return [tag for tag in tags if tag]


def award_modified(award: Award) -> datetime.datetime:
    # An edit made before publication is not news: the item changed when it went live.
    return max(award.updated_at, award.published_at)


def announcement_html(announcement: Announcement) -> str:
    return paragraphs(announcement.body or announcement.summary)


def announcement_summary_html(announcement: Announcement) -> str:
    """The summary as the news pages show it: escaped text in one paragraph."""
    return format_html("<p>{}</p>", announcement.summary)


# --- JSON Feed 1.1 -----------------------------------------------------------------------------


def rfc3339(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _feed_url(request: HttpRequest, before: Position | None = None) -> str:
    query = request.GET.copy()
    query.pop("before", None)
    if before is not None:
        query["before"] = str(before)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}" if query else request.path)


def award_feed_query(params) -> str:
    """The feed filters among `params` (a QueryDict) as a query string, e.g. for a page's feed links."""
    return urlencode({name: params[name] for name in AwardFeedFilter.FEED_FILTERS if params.get(name)})


def _with_filters(path: str, filterset: AwardFeedFilter) -> str:
    """A page URL carrying the feed's filters, e.g. `/awards/?program=…`, so it shows the same awards."""
    query = award_feed_query(filterset.data)
    return f"{path}?{query}" if query else path


def json_feed(request: HttpRequest, rows, *, position, title, description, home_page_url, to_items):
    """One document of a JSON Feed 1.1; `next_url` links the next while there is one.

    `rows`: up to ITEMS_PER_PAGE + 1 rows, newest first (the extra one says there is more);
    `position(row)`: its `Position` (publication time and pk), where the next document starts.
    """
    rows = list(rows)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": f"{settings.SITE_NAME}: {title}",
        "home_page_url": request.build_absolute_uri(home_page_url),
        "feed_url": _feed_url(request),  # the feed's identity: its first page
        "description": description,
        "icon": request.build_absolute_uri(static("feeds/icon.png")),
        "favicon": request.build_absolute_uri(static("feeds/favicon.png")),
        "language": "en",
        "authors": [{"name": settings.SITE_NAME, "url": request.build_absolute_uri("/")}],
        "items": to_items(request, rows[:ITEMS_PER_PAGE]),
    }
    if len(rows) > ITEMS_PER_PAGE:
        last = rows[ITEMS_PER_PAGE - 1]
        feed["next_url"] = _feed_url(request, before=position(last))
    return JsonResponse(feed, content_type=JSON_FEED_CONTENT_TYPE)


def award_items(request: HttpRequest, awards: list[Award]) -> list[dict]:
    structured = AwardSerializer(awards, many=True, context={"request": request}).data
    about = request.build_absolute_uri(reverse("registry:feed-list"))
    return [
        award_item(request, award, {"about": about, **data})
        for award, data in zip(awards, structured, strict=True)
    ]


def award_item(request: HttpRequest, award: Award, structured: dict) -> dict:
    return {
        "id": award_item_id(award),
        "url": request.build_absolute_uri(award.path),
        "title": award_title(award),
        "content_text": award_text(award),
        "content_html": award_html(award),
        "summary": award_summary(award),
        "date_published": rfc3339(award.published_at),
        "date_modified": rfc3339(award_modified(award)),
        "tags": award_tags(award),
        "_awards": structured,
    }


def announcement_items(request: HttpRequest, announcements: list[Announcement]) -> list[dict]:
    return [announcement_item(request, announcement) for announcement in announcements]


def announcement_item(request: HttpRequest, announcement: Announcement) -> dict:
    item = {
        "id": item_id(announcement),
        "url": request.build_absolute_uri(announcement.get_absolute_url()),
        "title": announcement.title,
        "content_text": announcement.body or announcement.summary,
        "content_html": announcement_html(announcement),
        "summary": announcement.summary,
        "date_published": rfc3339(announcement.published_at),
        "date_modified": rfc3339(announcement_modified(announcement)),
    }
    if source := web_url(announcement.source_url):
        item["external_url"] = source
    return item


@feed_endpoint(AwardFeedFilter, paginated=True)
def awards_json(request, filterset, before):
    return json_feed(
        request,
        award_page(filterset.qs, before, ITEMS_PER_PAGE + 1),
        position=lambda award: Position(award.published_at, award.id),
        title="Awards",
        description="Published awards, newest first, with the structured award in `_awards`.",
        home_page_url=_with_filters(reverse("registry:award-list"), filterset),
        to_items=award_items,
    )


@feed_endpoint(paginated=True)
def news_json(request, before):
    return json_feed(
        request,
        newest_first(public_announcements(), "published_at", before, ITEMS_PER_PAGE + 1),
        position=lambda announcement: Position(announcement.published_at, announcement.pk),
        title="News",
        description="Published announcements and press releases, newest first.",
        home_page_url=reverse("registry:announcement-list"),
        to_items=announcement_items,
    )


# --- RSS 2.0 and Atom 1.0 (Django's syndication framework) ---------------------------------------


@dataclass(frozen=True)
class FeedRequest:
    request: HttpRequest
    filterset: AwardFeedFilter | None = None


class RegistryFeed(Feed):
    """Shared settings; `get_object` hands the request (and its filters) to the other methods."""

    language = "en"
    item_guid_is_permalink = False

    def get_object(self, request, filterset=None):
        return FeedRequest(request, filterset)

    def feed_url(self, obj):
        return obj.request.get_full_path()

    def feed_guid(self, obj):
        # Atom's feed id: one per filtered feed, not the shared home page link.
        return obj.request.build_absolute_uri()

    def author_name(self):
        return settings.SITE_NAME

    def item_guid(self, item):
        return item_id(item)


class AwardsRssFeed(RegistryFeed):
    description = "Published awards, newest first."

    def title(self):
        return f"{settings.SITE_NAME}: Awards"

    def link(self, obj):
        return _with_filters(reverse("registry:award-list"), obj.filterset)

    def items(self, obj):
        return award_page(obj.filterset.qs)

    def item_guid(self, award):
        return award_item_id(award)

    def item_link(self, award):
        return award.path

    def item_title(self, award):
        return award_title(award)

    def item_description(self, award):
        return award_html(award)

    def item_pubdate(self, award):
        return award.published_at

    def item_updateddate(self, award):
        return award_modified(award)

    def item_categories(self, award):
        return award_tags(award)


class AwardsAtomFeed(AwardsRssFeed):
    feed_type = Atom1Feed
    subtitle = AwardsRssFeed.description


class NewsRssFeed(RegistryFeed):
    feed_type = Rss201rev2Feed
    description = "Published announcements and press releases, newest first."

    def title(self):
        return f"{settings.SITE_NAME}: News"

    def link(self):
        return reverse("registry:announcement-list")

    def items(self, obj):
        return newest_first(public_announcements(), "published_at")

    def item_title(self, announcement):
        return announcement.title

    def item_description(self, announcement):
        if announcement.summary:
            return announcement_summary_html(announcement)
        return announcement_html(announcement)

    def item_pubdate(self, announcement):
        return announcement.published_at

    def item_updateddate(self, announcement):
        return announcement_modified(announcement)


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description


awards_rss = feed_endpoint(AwardFeedFilter)(AwardsRssFeed())
awards_atom = feed_endpoint(AwardFeedFilter)(AwardsAtomFeed())
news_rss = feed_endpoint()(NewsRssFeed())
news_atom = feed_endpoint()(NewsAtomFeed())


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
