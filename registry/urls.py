"""Public site routes. Names are reversed by models, the API and the feeds."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import calendar, feeds, views
from .sitemaps import SITEMAPS


class YearConverter:
    """A four-digit award year, so /programs/x/99999999/ is a plain 404 before any query."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


register_converter(YearConverter, "year")

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/", views.program_list, name="program-list"),
    path("programs/<slug:program>/", views.program_detail, name="program-detail"),
    # Before the edition routes: "categories" is a literal segment, never a year.
    path(
        "programs/<slug:program>/categories/<slug:category>/",
        views.category_detail,
        name="category-detail",
    ),
    path("programs/<slug:program>/<year:year>/", views.edition_detail, name="edition-detail"),
    path("programs/<slug:program>/<year:year>/<slug:category>/", views.award_detail, name="award-detail"),
    path("awards/", views.award_list, name="award-list"),
    path("awards.csv", views.award_csv, name="award-csv"),
    path("recipients/<slug:slug>/", views.recipient_detail, name="recipient-detail"),
    path("ceremonies/", views.ceremony_list, name="ceremony-list"),
    path("ceremonies/<slug:slug>/", views.ceremony_detail, name="ceremony-detail"),
    path("news/", views.announcement_list, name="announcement-list"),
    path("news/<slug:slug>/", views.announcement_detail, name="announcement-detail"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "registry:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]

# --- Feeds (added by the feeds helper below this line) ---
urlpatterns += [
    path("feeds/", feeds.feed_list, name="feed-list"),
    path("feeds/awards.json", feeds.awards_json, name="awards-feed-json"),
    path("feeds/awards.rss", feeds.awards_rss, name="awards-feed-rss"),
    path("feeds/awards.atom", feeds.awards_atom, name="awards-feed-atom"),
    path("feeds/news.json", feeds.news_json, name="news-feed-json"),
    path("feeds/news.rss", feeds.news_rss, name="news-feed-rss"),
    path("feeds/news.atom", feeds.news_atom, name="news-feed-atom"),
    path("ceremonies.ics", calendar.ceremonies_ics, name="ceremonies-ics"),
    path("ceremonies/<slug:slug>.ics", calendar.ceremony_ics, name="ceremony-ics"),
]
