from django.urls import path

from . import calendar, feeds, views

app_name = "registry"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]

# --- Feeds (SPEC §7; owned by the feeds work: registry/feeds.py, registry/calendar.py) ---------
urlpatterns += [
    path("feeds/", feeds.feed_list, name="feed-list"),
    path("feeds/awards.json", feeds.awards_json, name="awards-feed-json"),
    path("feeds/awards.rss", feeds.awards_rss, name="awards-feed-rss"),
    path("feeds/awards.atom", feeds.awards_atom, name="awards-feed-atom"),
    path("feeds/news.json", feeds.news_json, name="news-feed-json"),
    path("feeds/news.rss", feeds.news_rss, name="news-feed-rss"),
    path("feeds/news.atom", feeds.news_atom, name="news-feed-atom"),
    path("ceremonies.ics", calendar.ceremonies_ics, name="ceremonies-ics"),
]
