"""Feeds: JSON Feed 1.1, RSS, Atom, news feeds, the ceremonies iCalendar and /feeds/."""

import datetime
import json
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest
import time_machine
from django.core.management import call_command
from django.core.validators import slug_re
from django.utils import timezone
from django.utils.html import escape

from registry.api.serializers import AwardSerializer
from registry.models import Nomination

from .factories import (
    AchievementFactory,
    AnnouncementFactory,
    AwardFactory,
    CategoryFactory,
    CeremonyFactory,
    EditionFactory,
    NominationFactory,
    NomineeFactory,
    PresentationFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

HOST = "registry.test"
SECRET = "Internal reasoning that must never be public."
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
AWARD_FEEDS = ["/feeds/awards.json", "/feeds/awards.rss", "/feeds/awards.atom"]
NEWS_FEEDS = ["/feeds/news.json", "/feeds/news.rss", "/feeds/news.atom"]
ALL_FEEDS = [*AWARD_FEEDS, *NEWS_FEEDS, "/ceremonies.ics"]
AWARD_KEYS = set(AwardSerializer.Meta.fields)  # `_awards` is the API's award, field for field


@pytest.fixture(autouse=True)
def _real_host(settings):
    settings.ALLOWED_HOSTS = [HOST]


def fetch(client, url, **headers):
    return client.get(url, HTTP_HOST=HOST, **headers)


def fetch_json(client, url, **headers):
    response = fetch(client, url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/feed+json")
    return json.loads(response.content)


def path_of(url):
    parts = urlsplit(url)
    assert parts.netloc == HOST, url
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def assert_absolute(url):
    assert url.startswith(f"http://{HOST}/"), url


def assert_rfc3339(value):
    assert isinstance(value, str) and RFC3339.match(value), value
    assert datetime.datetime.fromisoformat(value).tzinfo is not None


def assert_valid_json_feed(feed):
    """Every rule of https://jsonfeed.org/version/1.1 this feed uses."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    for key in ("home_page_url", "feed_url", "icon", "favicon"):
        assert_absolute(feed[key])
    assert isinstance(feed["description"], str)
    assert feed["language"] == "en"
    assert "author" not in feed  # deprecated in 1.1 in favour of `authors`
    assert isinstance(feed["authors"], list) and feed["authors"]
    for author in feed["authors"]:
        assert isinstance(author, dict) and {"name", "url", "avatar"} & author.keys()
    assert set(feed) <= {
        "version",
        "title",
        "home_page_url",
        "feed_url",
        "description",
        "icon",
        "favicon",
        "language",
        "authors",
        "items",
        "next_url",
    }
    if "next_url" in feed:
        assert_absolute(feed["next_url"])
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert_absolute(item["url"])
        assert isinstance(item["title"], str)
        assert isinstance(item["content_text"], str) and isinstance(item["content_html"], str)
        assert isinstance(item["summary"], str)
        assert_rfc3339(item["date_published"])
        if "date_modified" in item:
            assert_rfc3339(item["date_modified"])
            assert item["date_modified"] >= item["date_published"]
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
        assert all(key in {"about", *AWARD_KEYS} for key in item.get("_awards", {}))
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids))
    published = [item["date_published"] for item in feed["items"]]
    assert published == sorted(published, reverse=True), "newest first"


def follow_chain(client, url):
    """Every document of a paginated JSON feed, asserting the next_url chain ends without a loop."""
    documents, seen = [], set()
    while url:
        assert url not in seen, "next_url loops"
        seen.add(url)
        feed = fetch_json(client, url)
        assert_valid_json_feed(feed)
        documents.append(feed)
        url = path_of(feed["next_url"]) if "next_url" in feed else None
    return documents


def full_award(**kwargs):
    """A public award with achievements and a presentation at a ceremony."""
    award = AwardFactory(**kwargs)
    AchievementFactory(nomination=award, quantity=23100, description="cases vetted")
    PresentationFactory(nomination=award)
    return award


def non_public_nominations():
    """Everything the visibility rule hides: drafts, embargoes, and undecided or refused nominations."""
    hidden = NomineeFactory(name="Hidden Nominee")
    draft = EditionFactory(results_published_at=None)
    embargoed = EditionFactory(results_published_at=timezone.now() + datetime.timedelta(days=3))
    AwardFactory(edition=draft, nominee=hidden)
    AwardFactory(edition=embargoed, nominee=hidden)
    published = EditionFactory()
    for status in set(Nomination.Status) - {Nomination.Status.AWARDED}:
        NominationFactory(edition=published, nominee=NomineeFactory(name=f"Hidden {status}"), status=status)
    CeremonyFactory(edition=draft, name="Hidden Ceremony")
    AnnouncementFactory(title="Hidden draft news", published_at=None)
    AnnouncementFactory(
        title="Hidden scheduled news", published_at=timezone.now() + datetime.timedelta(days=1)
    )


# --- JSON Feed ---------------------------------------------------------------------------------


def test_awards_json_feed_follows_json_feed_1_1_with_the_structured_award(client):
    award = full_award(citation="For leading the partnership.")

    feed = fetch_json(client, "/feeds/awards.json")

    assert_valid_json_feed(feed)
    assert feed["feed_url"] == f"http://{HOST}/feeds/awards.json"
    assert "next_url" not in feed
    [item] = feed["items"]
    assert item["id"] == f"urn:awards-registry:nomination:{award.pk}"
    edition, category = award.edition, award.category
    assert item["title"] == f"{award.nominee.name} receives the {edition.year} {category.name}"
    assert item["url"] == f"http://{HOST}{award.get_absolute_url()}"
    assert "For leading the partnership." in item["content_text"]
    assert "23,100 cases vetted" in item["content_text"]
    assert item["tags"] == [edition.program.name, category.name, str(edition.year), "France"]
    assert datetime.datetime.fromisoformat(item["date_published"]) == edition.results_published_at.replace(
        microsecond=0
    )
    structured = item["_awards"]
    assert set(structured) == {"about", *AWARD_KEYS}
    assert structured["about"] == f"http://{HOST}/feeds/"
    assert structured["id"] == award.pk
    assert structured["page_url"] == item["url"]
    assert structured["achievements"] == [{"quantity": 23100, "description": "cases vetted"}]
    assert structured["presented_by"] == {"name": "Example Presenter", "title": "Example Title"}
    assert structured["ceremony"]["name"] == award.presentation.ceremony.name


def test_award_item_html_escapes_the_citation(client):
    full_award(citation='<script>alert("x")</script> & more')

    [item] = fetch_json(client, "/feeds/awards.json")["items"]

    assert "<script>" not in item["content_html"]
    assert "&lt;script&gt;" in item["content_html"]
    assert "&amp; more" in item["content_html"]


def test_item_id_and_url_stay_the_same_when_the_award_is_edited(client):
    award = full_award()
    [before] = fetch_json(client, "/feeds/awards.json")["items"]

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        award.citation = "A corrected citation."
        award.save()
        award.nominee.name = "Renamed Nominee"
        award.nominee.save()
        [after] = fetch_json(client, "/feeds/awards.json")["items"]

    assert after["id"] == before["id"]
    assert after["date_published"] == before["date_published"]
    assert after["date_modified"] > before["date_modified"]
    assert "A corrected citation." in after["content_text"]


def test_json_feed_pages_hold_50_items_and_the_next_url_chain_ends(client):
    edition = EditionFactory()
    category = CategoryFactory(program=edition.program)
    AwardFactory.create_batch(120, edition=edition, category=category)

    documents = follow_chain(client, "/feeds/awards.json")

    assert [len(d["items"]) for d in documents] == [50, 50, 20]
    ids = [item["id"] for d in documents for item in d["items"]]
    assert len(set(ids)) == 120


def test_next_url_keeps_the_filters(client):
    edition = EditionFactory()
    category = CategoryFactory(program=edition.program)
    AwardFactory.create_batch(51, edition=edition, category=category)
    AwardFactory()  # another programme: filtered out

    documents = follow_chain(client, f"/feeds/awards.json?program={edition.program.slug}")

    assert [len(d["items"]) for d in documents] == [50, 1]
    query = f"program={edition.program.slug}"
    assert query in documents[0]["next_url"]
    # Every page names the same feed, and the home page shows the same awards.
    assert documents[1]["feed_url"] == documents[0]["feed_url"] == f"http://{HOST}/feeds/awards.json?{query}"
    assert documents[1]["home_page_url"] == f"http://{HOST}/awards/?{query}"


def test_awards_are_newest_published_first(client):
    old = AwardFactory(
        edition=EditionFactory(results_published_at=timezone.now() - datetime.timedelta(days=30))
    )
    new = AwardFactory(
        edition=EditionFactory(results_published_at=timezone.now() - datetime.timedelta(days=1))
    )

    items = fetch_json(client, "/feeds/awards.json")["items"]

    assert [item["_awards"]["id"] for item in items] == [new.pk, old.pk]


def test_an_award_published_while_a_reader_walks_the_chain_is_neither_repeated_nor_skipped(client):
    edition = EditionFactory()
    category = CategoryFactory(program=edition.program)
    AwardFactory.create_batch(60, edition=edition, category=category)
    first = fetch_json(client, "/feeds/awards.json")

    AwardFactory(edition=EditionFactory())  # newer: belongs on top of page one, not in page two
    second = fetch_json(client, path_of(first["next_url"]))

    ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 60
    assert "next_url" not in second


@pytest.mark.parametrize("url", ["/feeds/awards.json", "/feeds/news.json"])
@pytest.mark.parametrize(
    "before", ["abc", "1-", "-1", "1.5-2", "12345678901234567-1", "1-1234567890123456789", "%00"]
)
def test_a_bad_position_is_a_400_naming_it(client, url, before):
    response = fetch(client, f"{url}?before={before}")

    assert response.status_code == 400
    assert "before" in response.json()


def test_a_position_past_the_end_is_an_empty_last_document(client):
    AwardFactory()

    feed = fetch_json(client, "/feeds/awards.json?before=0-1")

    assert_valid_json_feed(feed)
    assert feed["items"] == []
    assert "next_url" not in feed


# --- Filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", AWARD_FEEDS)
def test_award_feeds_take_program_category_country_and_year(client, url):
    wanted = AwardFactory(nominee=NomineeFactory(name="Wanted Winner", country="MX"))
    AwardFactory(nominee=NomineeFactory(name="Other Programme", country="MX"))
    other_country = NomineeFactory(name="Other Country")
    AwardFactory(edition=wanted.edition, category=wanted.category, nominee=other_country)
    query = (
        f"program={wanted.edition.program.slug}&category={wanted.category.slug}"
        f"&country=MX&year={wanted.edition.year}"
    )

    body = fetch(client, f"{url}?{query}").content.decode()

    assert "Wanted Winner" in body
    assert "Other Programme" not in body
    assert "Other Country" not in body


@pytest.mark.parametrize("url", AWARD_FEEDS)
def test_bad_filters_are_a_400_json_naming_each_field(client, url):
    response = fetch(client, f"{url}?year=abc&country=ZZ&program=not%20a%20slug&category=%00")

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response.json()) == {"year", "country", "program", "category"}


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        *((url, "before, category, country, program, year") for url in AWARD_FEEDS if url.endswith(".json")),
        *((url, "category, country, program, year") for url in AWARD_FEEDS if not url.endswith(".json")),
        ("/feeds/news.json", "before"),
    ],
)
def test_a_parameter_the_feed_does_not_take_is_a_400_naming_it_and_those_it_takes(client, url, accepted):
    AwardFactory()

    response = fetch(client, f"{url}?q=nothing-matches&ordering=-year&year=abc")

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    message = f"Unknown parameter; this address accepts {accepted}, and utm_* or _."
    body = response.json()
    assert (body["q"], body["ordering"]) == ([message], [message])
    assert set(body) == {"q", "ordering", "year"}  # with the malformed value, or as unknown too


@pytest.mark.parametrize("url", ["/feeds/news.rss", "/feeds/news.atom"])
def test_a_feed_without_parameters_refuses_any(client, url):
    response = fetch(client, f"{url}?before=1-1")
    assert response.status_code == 400
    assert response.json() == {"before": ["Unknown parameter; this address accepts none but utm_* or _."]}


@pytest.mark.parametrize("url", [*AWARD_FEEDS, *NEWS_FEEDS])
def test_tracking_and_cache_busting_parameters_are_accepted(client, url):
    full_award()
    AnnouncementFactory()

    response = fetch(client, f"{url}?utm_source=newsletter&utm_medium=email&_=1700000000000")

    assert response.status_code == 200


@pytest.mark.parametrize("url", AWARD_FEEDS)
def test_an_unknown_programme_is_a_400_and_one_not_yet_public_answers_the_same(client, url):
    hidden = AwardFactory(edition__results_published_at=None).edition.program

    unknown = fetch(client, f"{url}?program=no-such-programme")
    not_public = fetch(client, f"{url}?program={hidden.slug}")

    assert unknown.status_code == not_public.status_code == 400
    assert unknown.json() == {"program": ["No programme with slug “no-such-programme”."]}
    assert not_public.json() == {"program": [f"No programme with slug “{hidden.slug}”."]}


def test_a_stored_feed_is_answered_before_its_filters_are_validated_again(
    client, django_assert_max_num_queries
):
    program = full_award().edition.program
    url = f"/feeds/awards.json?program={program.slug}&year=2021"
    first = fetch(client, url)

    with django_assert_max_num_queries(2):  # the validator state only: no programme lookup
        again = fetch(client, url)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content


# --- Nothing unpublished -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_nothing_unpublished_is_in_any_feed(client, url):
    full_award()
    AnnouncementFactory(title="Public news")
    non_public_nominations()

    body = fetch(client, url).content.decode()

    assert "Hidden" not in body
    assert SECRET not in body
    assert "Internal Nominator" not in body


def test_feeds_page_lists_every_feed_and_advertises_them_to_readers(client):
    response = fetch(client, "/feeds/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Feeds and calendar · Awards Registry</title>" in html
    assert '<meta name="description" content="Follow published awards and news' in html
    for url in ALL_FEEDS:
        assert f'href="{url}"' in html
    head = html.split("</head>")[0]
    assert head.count('rel="alternate"') == 7


def test_feeds_page_lists_only_programmes_with_public_awards(client):
    shown = AwardFactory().edition.program
    AwardFactory(edition=EditionFactory(results_published_at=None))
    NominationFactory()

    response = fetch(client, "/feeds/")

    assert response.status_code == 200
    programme_links = re.findall(r"awards\.json\?program=([\w-]+)", response.content.decode())
    assert set(programme_links) == {shown.slug}


# --- RSS and Atom ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/feeds/awards.rss", "/feeds/awards.atom"])
def test_rss_and_atom_carry_the_same_awards_with_absolute_links_on_the_real_host(client, url):
    award = full_award()

    response = fetch(client, url)
    parsed = feedparser.parse(response.content)

    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.link == f"http://{HOST}/awards/"
    assert parsed.feed.get("id", f"http://{HOST}{url}") == f"http://{HOST}{url}"
    [entry] = parsed.entries
    assert entry.title == f"{award.nominee.name} receives the {award.edition.year} {award.category.name}"
    assert entry.link == f"http://{HOST}{award.get_absolute_url()}"
    assert entry.id == f"urn:awards-registry:nomination:{award.pk}"
    assert entry.published_parsed[:6] == award.edition.results_published_at.utctimetuple()[:6]
    assert {tag.term for tag in entry.tags} >= {award.category.name, str(award.edition.year)}
    assert "example.com" not in response.content.decode()


def test_rss_and_atom_hold_the_latest_50_awards(client):
    edition = EditionFactory()
    category = CategoryFactory(program=edition.program)
    AwardFactory.create_batch(55, edition=edition, category=category)

    for url in ("/feeds/awards.rss", "/feeds/awards.atom"):
        assert len(feedparser.parse(fetch(client, url).content).entries) == 50


@pytest.mark.parametrize("url", ["/feeds/news.rss", "/feeds/news.atom"])
def test_news_rss_and_atom_list_published_announcements(client, url):
    news = AnnouncementFactory(title="Results are out", summary="The 2021 results.")

    parsed = feedparser.parse(fetch(client, url).content)

    assert not parsed.bozo, parsed.bozo_exception
    [entry] = parsed.entries
    assert entry.title == "Results are out"
    assert entry.link == f"http://{HOST}/news/{news.slug}/"
    assert entry.id == f"urn:awards-registry:announcement:{news.pk}"
    assert entry.updated_parsed >= entry.published_parsed


@pytest.mark.parametrize(
    "url, description",
    [("/feeds/news.rss", "channel/item/description"), ("/feeds/news.atom", "atom:entry/atom:summary")],
)
def test_news_rss_and_atom_show_the_summary_as_escaped_text_as_the_news_page_does(client, url, description):
    summary = 'Results <script>alert(1)</script> and <a href="#" onclick="steal()">more</a> & "quotes"'
    news = AnnouncementFactory(summary=summary, body="")

    document = ElementTree.fromstring(fetch(client, url).content)
    html = document.find(description, {"atom": "http://www.w3.org/2005/Atom"}).text  # as a reader gets it
    page = fetch(client, news.get_absolute_url()).content.decode()

    assert html == f"<p>{escape(summary)}</p>"
    assert f'<p class="lead">{escape(summary)}</p>' in page
    assert "<script" not in html and "<a " not in html


def test_news_json_feed_follows_json_feed_1_1(client):
    older = AnnouncementFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    newer = AnnouncementFactory(body="First line\n\nSecond <b>line</b>", source_url="https://agency.test/pr")

    feed = fetch_json(client, "/feeds/news.json")

    assert_valid_json_feed(feed)
    assert [item["id"] for item in feed["items"]] == [
        f"urn:awards-registry:announcement:{newer.pk}",
        f"urn:awards-registry:announcement:{older.pk}",
    ]
    item = feed["items"][0]
    assert item["external_url"] == "https://agency.test/pr"
    assert item["content_html"] == "<p>First line</p>\n\n<p>Second &lt;b&gt;line&lt;/b&gt;</p>"


# --- iCalendar ---------------------------------------------------------------------------------


def parse_calendar(client):
    response = fetch(client, "/ceremonies.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_ceremonies_ics_is_an_rfc_5545_calendar_of_public_ceremonies(client):
    all_day = CeremonyFactory(name="Annual ceremony", venue="U.S. Embassy", city="Mexico City", country="MX")
    timed = CeremonyFactory(start_time=datetime.time(18, 30), timezone="America/Mexico_City")
    floating = CeremonyFactory(start_time=datetime.time(9, 0))  # a time but no zone: local at the venue
    announced = CeremonyFactory(
        edition=EditionFactory(results_published_at=None),
        announced_at=timezone.now() - datetime.timedelta(hours=1),
    )
    CeremonyFactory(edition=EditionFactory(results_published_at=None), name="Hidden unannounced")
    CeremonyFactory(
        edition=EditionFactory(results_published_at=None),
        announced_at=timezone.now() + datetime.timedelta(days=1),
        name="Hidden until announced",
    )

    calendar = parse_calendar(client)

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"ceremony-{c.pk}@awards-registry" for c in (all_day, timed, floating, announced)}
    event = events[f"ceremony-{all_day.pk}@awards-registry"]
    assert event.decoded("DTSTART") == datetime.date(2022, 9, 20)  # all-day: a DATE, not a DATE-TIME
    assert str(event["SUMMARY"]) == "Annual ceremony"
    assert str(event["LOCATION"]) == "U.S. Embassy, Mexico City, Mexico"
    assert str(event["URL"]) == f"http://{HOST}/ceremonies/{all_day.slug}/"
    assert str(event["DESCRIPTION"]).startswith(all_day.edition.name)
    assert event.decoded("DTSTAMP").tzinfo is not None
    timed_event = events[f"ceremony-{timed.pk}@awards-registry"]
    assert timed_event["DTSTART"].params["TZID"] == "America/Mexico_City"
    assert timed_event.decoded("DTSTART").hour == 18
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Mexico_City"]
    floating_start = events[f"ceremony-{floating.pk}@awards-registry"].decoded("DTSTART")
    assert (floating_start.hour, floating_start.tzinfo) == (9, None)


def test_an_edited_ceremony_is_not_hidden_behind_its_old_etag(client):
    ceremony = CeremonyFactory()
    etag = fetch(client, "/ceremonies.ics")["ETag"]

    ceremony.venue = "Another Hall"
    ceremony.save()
    response = fetch(client, "/ceremonies.ics", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Another Hall" in response.content.decode()


def test_ceremony_uid_is_stable_when_the_ceremony_is_renamed(client):
    ceremony = CeremonyFactory()
    [before] = parse_calendar(client).walk("VEVENT")

    ceremony.name, ceremony.slug = "Renamed", "renamed"
    ceremony.save()
    [after] = parse_calendar(client).walk("VEVENT")

    assert str(after["UID"]) == str(before["UID"])
    assert str(after["SUMMARY"]) == "Renamed"


def events_of(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {
        str(event["UID"]): event for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }


def uid(ceremony) -> str:
    return f"ceremony-{ceremony.pk}@awards-registry"


def test_a_ceremony_page_links_to_a_calendar_of_that_one_ceremony(client):
    ceremony = CeremonyFactory(name="Gala night", start_time=datetime.time(19, 0), timezone="Europe/Madrid")
    CeremonyFactory()

    page = fetch(client, ceremony.get_absolute_url()).content.decode()
    response = fetch(client, f"/ceremonies/{ceremony.slug}.ics")

    assert f'href="/ceremonies/{ceremony.slug}.ics" type="text/calendar">Add to calendar</a>' in page
    events = events_of(response)
    assert list(events) == [uid(ceremony)]
    # The very event the calendar of every ceremony holds, with its time zone.
    assert (
        events[uid(ceremony)].to_ical()
        == events_of(fetch(client, "/ceremonies.ics"))[uid(ceremony)].to_ical()
    )
    assert [str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(response.content).walk("VTIMEZONE")] == [
        "Europe/Madrid"
    ]
    assert response["ETag"] and response["Cache-Control"] == "public, no-cache"
    assert (
        fetch(client, f"/ceremonies/{ceremony.slug}.ics", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == 304
    )


def test_a_ceremony_that_is_not_public_has_no_calendar(client):
    hidden = CeremonyFactory(edition=EditionFactory(results_published_at=None))
    scheduled = CeremonyFactory(
        edition=EditionFactory(results_published_at=None),
        announced_at=timezone.now() + datetime.timedelta(days=1),
    )

    for slug in (hidden.slug, scheduled.slug, "never-existed"):
        assert fetch(client, f"/ceremonies/{slug}.ics").status_code == 404, slug
    assert fetch(client, f"/ceremonies/{hidden.slug}.ics").content.decode().replace(hidden.slug, "") == (
        fetch(client, "/ceremonies/never-existed.ics").content.decode().replace("never-existed", "")
    )


def test_ceremonies_ics_takes_a_programme(client):
    wanted = CeremonyFactory()
    also_wanted = CeremonyFactory(edition=EditionFactory(program=wanted.edition.program, year=2023))
    CeremonyFactory(edition=EditionFactory(program=wanted.edition.program, results_published_at=None))
    CeremonyFactory()  # another programme's
    program = wanted.edition.program

    response = fetch(client, f"/ceremonies.ics?program={program.slug}")

    assert set(events_of(response)) == {uid(wanted), uid(also_wanted)}
    assert program.name in str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"])
    assert fetch(client, "/ceremonies.ics")["ETag"] != response["ETag"]


def test_ceremonies_ics_of_a_programme_announced_ahead_of_its_results_holds_its_ceremony(client):
    ceremony = CeremonyFactory(
        edition=EditionFactory(results_published_at=None),
        announced_at=timezone.now() - datetime.timedelta(hours=1),
    )

    response = fetch(client, f"/ceremonies.ics?program={ceremony.edition.program.slug}")

    assert list(events_of(response)) == [uid(ceremony)]


def test_ceremonies_ics_of_a_public_programme_without_ceremonies_is_empty(client):
    award = AwardFactory()

    assert events_of(fetch(client, f"/ceremonies.ics?program={award.edition.program.slug}")) == {}


@pytest.mark.parametrize("slug", ["never-existed", "not a slug", "nul\x00", "x" * 5000, "unpublished"])
def test_ceremonies_ics_of_an_unknown_programme_is_a_400_naming_it(client, slug):
    CeremonyFactory(edition=EditionFactory(program__slug="unpublished", results_published_at=None))

    response = fetch(client, "/ceremonies.ics", data={"program": slug})

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert list(response.json()) == ["program"]
    if slug_re.fullmatch(slug):  # the API's answer to the same filter (tests/test_api.py)
        assert response.json() == {"program": [f"No programme with slug “{slug}”."]}


# --- HTTP: CORS, conditional GET, methods, query counts ------------------------------------------


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_every_feed_answers_conditional_gets_with_cors(client, url, settle):
    full_award()
    AnnouncementFactory()
    CeremonyFactory()
    settle()

    first = fetch(client, url)
    by_etag = fetch(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = fetch(client, url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200
    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Cache-Control"] == "public, no-cache"
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag["ETag"] == first["ETag"]
    assert by_etag["Access-Control-Allow-Origin"] == "*"


def test_a_304_does_not_run_the_list_query(client, django_assert_max_num_queries):
    full_award()
    etag = fetch(client, "/feeds/awards.json")["ETag"]

    with django_assert_max_num_queries(2):  # the two validator aggregates only
        assert fetch(client, "/feeds/awards.json", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_filtered_and_unfiltered_feeds_have_different_etags(client):
    award = AwardFactory()

    plain = fetch(client, "/feeds/awards.json")["ETag"]
    filtered = fetch(client, f"/feeds/awards.json?program={award.edition.program.slug}")["ETag"]

    assert plain != filtered


@pytest.mark.parametrize(
    "url", ["/feeds/awards.json", "/feeds/awards.rss", "/feeds/news.atom", "/ceremonies.ics"]
)
def test_new_public_data_changes_the_etag(client, url):
    full_award()
    AnnouncementFactory()
    CeremonyFactory()
    etag = fetch(client, url)["ETag"]

    full_award()
    AnnouncementFactory()
    CeremonyFactory()

    assert fetch(client, url, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("url", ["/feeds/awards.json", "/feeds/awards.atom"])
def test_a_scheduled_publication_appears_at_its_time_with_no_stale_304(client, url, settle):
    start = timezone.now()
    full_award(edition=EditionFactory(results_published_at=start - datetime.timedelta(days=10)))
    embargoed = full_award(edition=EditionFactory(results_published_at=start + datetime.timedelta(hours=2)))
    settle()

    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        before = fetch(client, url)
    assert embargoed.nominee.name not in before.content.decode()

    with time_machine.travel(start + datetime.timedelta(hours=2, seconds=1), tick=False):
        by_etag = fetch(client, url, HTTP_IF_NONE_MATCH=before["ETag"])
        by_date = fetch(client, url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    for response in (by_etag, by_date):
        assert response.status_code == 200
        assert embargoed.nominee.name in response.content.decode()


def test_a_scheduled_announcement_appears_at_its_time_with_no_stale_304(client, settle):
    start = timezone.now()
    AnnouncementFactory(published_at=start - datetime.timedelta(days=1))
    AnnouncementFactory(title="Embargoed news", published_at=start + datetime.timedelta(minutes=30))
    settle()

    with time_machine.travel(start, tick=False):
        before = fetch(client, "/feeds/news.json")
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        after = fetch(client, "/feeds/news.json", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert "Embargoed news" not in before.content.decode()
    assert after.status_code == 200
    assert "Embargoed news" in after.content.decode()


def test_a_backdated_publication_is_not_hidden_behind_if_modified_since(client, settle):
    full_award()
    settle(seconds=3)
    before = fetch(client, "/feeds/awards.json")
    assert before.status_code == 200

    # An editor publishes an edition with the press release's (earlier) date.
    backdated = EditionFactory(results_published_at=None)
    award = full_award(edition=backdated)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        backdated.results_published_at = timezone.now() - datetime.timedelta(days=400)
        backdated.save()
        settle(seconds=1)
        after = fetch(client, "/feeds/awards.json", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert after.status_code == 200
    assert award.nominee.name in after.content.decode()


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_feeds_are_read_only(client, url):
    assert client.post(url, HTTP_HOST=HOST).status_code == 405
    assert client.head(url, HTTP_HOST=HOST).status_code == 200


# The most queries each URL may run, whatever the number of rows.
QUERY_BOUNDS = {
    # two validator aggregates, the page's keys, their details, their achievements
    "/feeds/awards.json": 5,
    "/feeds/awards.rss": 5,
    "/feeds/awards.atom": 5,
    # one validator aggregate, the page of announcements
    "/feeds/news.json": 2,
    "/feeds/news.rss": 2,
    "/feeds/news.atom": 2,
    # the fingerprint of the ceremonies, the ceremonies with their editions
    "/ceremonies.ics": 2,
    "/ceremonies.ics?program=the-programme": 3,  # and the check that the programme is public
    "/ceremonies/the-ceremony.ics": 2,
    # the public state (validators), the programmes with public awards
    "/feeds/": 2,
}


@pytest.mark.parametrize("rows", [1, 55])
def test_feeds_run_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    program = ProgramFactory(slug="the-programme")
    CeremonyFactory(slug="the-ceremony", edition=EditionFactory(program=program, year=1900))
    for i in range(rows):
        full_award()  # with its own programme, edition, ceremony and achievement
        AnnouncementFactory()
        CeremonyFactory(edition=EditionFactory(program=program, year=1901 + i))

    program = Nomination.objects.first().edition.program.slug
    # and one more to find the programme a filter names (an unknown one is a 400)
    bounds = {**QUERY_BOUNDS, f"/feeds/awards.json?program={program}": QUERY_BOUNDS["/feeds/awards.json"] + 1}
    for url, max_queries in bounds.items():
        with django_assert_max_num_queries(max_queries, info=url):
            response = fetch(client, url)
        assert response.status_code == 200, url


# --- The seed record ---------------------------------------------------------------------------


def test_a_feed_reader_sees_the_seed_award_with_its_structured_data(client):
    call_command("load_demo", verbosity=0)

    items = fetch_json(client, "/feeds/awards.json?country=MX&year=2021")["items"]

    [item] = [i for i in items if i["_awards"]["recipient"]["slug"] == "jorge-dominguez-martinez-vertiz"]
    assert (
        item["title"]
        == "Jorge Dominguez Martinez Vertiz receives the 2021 Exemplary Law Enforcement Partnership Award"
    )
    assert item["date_published"].startswith("2022-09-28")
    award = item["_awards"]
    assert award["program"]["name"] == "ERO Annual Awards"
    assert award["recipient"]["affiliation"] == "Interpol Mexico"
    assert [a["quantity"] for a in award["achievements"]] == [23100, 474, 52]
    assert award["ceremony"]["date"] == "2022-09-20"
    assert award["presented_by"]["name"] == "William McCafferty"


def test_award_feed_query_keeps_only_the_feed_filters():
    from django.http import QueryDict

    from registry.filters import award_feed_query

    params = QueryDict("q=police&program=ero&page=3&country=MX&ordering=-year&year=2021&category=")

    assert award_feed_query(params) == "program=ero&country=MX&year=2021"


def test_feed_links_include_offers_every_format_for_discovery():
    from django.template.loader import render_to_string

    html = render_to_string(
        "includes/feed_links.html", {"feed": "awards", "feed_query": "program=x&year=2021", "feed_title": "X"}
    )

    assert (
        'type="application/feed+json" title="X (JSON Feed)" href="/feeds/awards.json?program=x&amp;year=2021"'
        in html
    )
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html
    assert "ceremonies.ics" in render_to_string("includes/feed_links.html", {"feed": "ceremonies"})
