"""RSS 2.0 and Atom 1.0 of the same items, through Django's syndication framework."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from ..filters import AwardFeedFilter
from .base import (
    announcement_modified,
    award_page,
    feed_endpoint,
    item_id,
    newest_first,
    public_announcements,
    with_filters,
)
from .items import (
    announcement_html,
    announcement_summary_html,
    award_html,
    award_item_id,
    award_modified,
    award_tags,
    award_title,
)


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
        return with_filters(reverse("registry:award-list"), obj.filterset)

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
