"""What a feed item says, shared by the JSON, RSS and Atom feeds, and JSON Feed 1.1 itself.

The award items are views of `registry.awards.Award` rows.
"""

import datetime

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe

from ..award_json import AwardSerializer
from ..awards import Award
from ..filters import AwardFeedFilter
from ..models import Announcement, web_url
from .base import (
    ITEMS_PER_PAGE,
    JSON_FEED_CONTENT_TYPE,
    JSON_FEED_VERSION,
    Position,
    announcement_modified,
    award_page,
    feed_endpoint,
    feed_url,
    item_id,
    newest_first,
    public_announcements,
    rfc3339,
    with_filters,
)


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
        "feed_url": feed_url(request),  # the feed's identity: its first page
        "description": description,
        "icon": request.build_absolute_uri(static("feeds/icon.png")),
        "favicon": request.build_absolute_uri(static("feeds/favicon.png")),
        "language": "en",
        "authors": [{"name": settings.SITE_NAME, "url": request.build_absolute_uri("/")}],
        "items": to_items(request, rows[:ITEMS_PER_PAGE]),
    }
    if len(rows) > ITEMS_PER_PAGE:
        last = rows[ITEMS_PER_PAGE - 1]
        feed["next_url"] = feed_url(request, before=position(last))
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
        home_page_url=with_filters(reverse("registry:award-list"), filterset),
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
