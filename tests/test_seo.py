"""What search engines, link previews and assistive technology read: head tags, JSON-LD,
landmarks and labels on every page, the sitemap and robots.txt."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .factories import (
    AnnouncementFactory,
    AwardFactory,
    CategoryFactory,
    CeremonyFactory,
    EditionFactory,
    NominationFactory,
    OrganizationFactory,
    PresentationFactory,
)

pytestmark = pytest.mark.django_db

HOST = "awards.example.org"


@pytest.fixture(autouse=True)
def _real_host(settings):
    settings.ALLOWED_HOSTS = [HOST, "testserver"]


class PageParser(HTMLParser):
    """Collects the tags a test asks about."""

    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs)
        self.json_ld = []
        self.title = ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag
            if tag == "script":
                self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld[-1] += data

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def meta(self, **attrs):
        found = self.find("meta", **attrs)
        assert len(found) == 1, attrs
        return found[0]["content"]


def parse(client, url):
    response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200, url
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def award():
    award = AwardFactory(
        nominee__name="Jorge Dominguez Martinez Vertiz",
        nominee__affiliation=OrganizationFactory(name="Interpol Mexico"),
    )
    PresentationFactory(nomination=award)
    AnnouncementFactory(slug="news-1").related_awards.add(award)
    return award


def page_urls(award):
    return [
        "/",
        "/programs/",
        award.edition.program.get_absolute_url(),
        award.edition.get_absolute_url(),
        award.category.get_absolute_url(),
        award.get_absolute_url(),
        "/awards/",
        award.nominee.get_absolute_url(),
        "/ceremonies/",
        award.presentation.ceremony.get_absolute_url(),
        "/news/",
        "/news/news-1/",
    ]


def test_every_page_has_title_description_canonical_and_open_graph(client, award):
    for url in page_urls(award):
        page = parse(client, url)
        assert page.title.strip().endswith("Awards Registry"), url
        assert len(page.meta(name="description")) > 20, url
        canonical = page.find("link", rel="canonical")
        assert [link["href"] for link in canonical] == [f"http://{HOST}{url}"], url
        assert page.meta(property="og:url") == f"http://{HOST}{url}"
        for prop in ("og:title", "og:description", "og:type", "og:site_name"):
            assert page.meta(property=prop), (url, prop)


def test_every_page_has_landmarks_a_skip_link_and_one_h1(client, award):
    for url in page_urls(award):
        page = parse(client, url)
        assert page.find("html", lang="en"), url
        assert page.find("a", href="#main", **{"class": "skip-link"}), url
        assert page.find("main", id="main"), url
        for landmark in ("header", "nav", "footer"):
            assert page.find(landmark), (url, landmark)
        assert len(page.find("h1")) == 1, url


def test_every_form_control_has_a_label(client, award):
    for url in ["/", "/awards/", "/awards/?country=XX"]:
        response = client.get(url)
        page = PageParser()
        page.feed(response.content.decode())
        labelled = {label.get("for") for label in page.find("label")}
        controls = [
            a for t, a in page.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"
        ]
        assert controls, url
        for control in controls:
            assert control.get("id") in labelled, (url, control)


def json_ld(client, url):
    page = parse(client, url)
    assert len(page.json_ld) == 1, url
    return json.loads(page.json_ld[0])


def test_award_recipient_and_ceremony_pages_carry_schema_org_json_ld(client, award):
    data = json_ld(client, award.get_absolute_url())
    assert data["@context"] == "https://schema.org"
    recipient = data["itemListElement"][0]["item"]
    assert recipient["@type"] == "Person"
    assert recipient["name"] == "Jorge Dominguez Martinez Vertiz"
    assert recipient["affiliation"]["name"] == "Interpol Mexico"

    assert json_ld(client, award.nominee.get_absolute_url())["@type"] == "Person"

    event = json_ld(client, award.presentation.ceremony.get_absolute_url())
    assert event["@type"] == "Event"
    assert event["startDate"] == "2022-09-20"
    assert event["location"]["name"] == "Example Hall"


def test_json_ld_cannot_break_out_of_its_script_element(client):
    hostile = '</script><script>alert("x")</script><!--'
    award = AwardFactory(nominee__name=hostile)
    response = client.get(award.nominee.get_absolute_url())
    body = response.content.decode()
    assert '<script>alert("x")' not in body
    assert json_ld(client, award.nominee.get_absolute_url())["name"] == hostile


def test_sitemap_lists_public_urls_on_the_request_host_only(client, award):
    hidden = AwardFactory(edition=EditionFactory(results_published_at=None))
    shortlisted = NominationFactory(status="shortlisted")
    CeremonyFactory(edition=hidden.edition, slug="hidden-ceremony")
    AnnouncementFactory(slug="draft-news", published_at=None)

    index = client.get("/sitemap.xml", HTTP_HOST=HOST).content.decode()
    assert "example.com" not in index
    assert f"http://{HOST}/sitemap-awards.xml" in index

    sections = ["pages", "programs", "editions", "categories", "awards", "recipients", "ceremonies", "news"]
    everything = ""
    for section in sections:
        response = client.get(f"/sitemap-{section}.xml", HTTP_HOST=HOST)
        assert response.status_code == 200, section
        everything += response.content.decode()
    assert "example.com" not in everything
    for public in page_urls(award):
        assert f"<loc>http://{HOST}{public}</loc>" in everything, public
    for private in [
        hidden.get_absolute_url(),
        hidden.nominee.get_absolute_url(),
        hidden.edition.get_absolute_url(),
        shortlisted.get_absolute_url(),
        shortlisted.nominee.get_absolute_url(),
        "/ceremonies/hidden-ceremony/",
        "/news/draft-news/",
    ]:
        assert f"{private}</loc>" not in everything, private


def test_sitemap_lists_every_public_category_page_awarded_yet_or_not(client, award):
    waiting = CategoryFactory(program=award.edition.program, slug="not-awarded-yet")
    hidden_program = CategoryFactory(slug="of-a-programme-without-results")
    categories = client.get("/sitemap-categories.xml", HTTP_HOST=HOST).content.decode()
    assert client.get(waiting.get_absolute_url()).status_code == 200
    assert f"{waiting.get_absolute_url()}</loc>" in categories
    assert f"{hidden_program.get_absolute_url()}</loc>" not in categories


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt", HTTP_HOST=HOST)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert f"Sitemap: http://{HOST}/sitemap.xml" in body


def test_favicon_ico_leads_to_the_site_icon_that_every_page_links(client, admin_client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert Path(finders.find("img/favicon.svg")).read_text(encoding="utf-8").startswith("<svg")
    link = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
    for page in (client.get("/"), admin_client.get("/admin/")):
        assert link in page.content.decode()


def test_404_page_is_friendly_and_offers_a_way_on(client):
    response = client.get("/recipients/nobody/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'href="/awards/"' in body


def test_500_page_renders_without_any_context():
    body = render_to_string("500.html")
    assert "Something went wrong" in body
    assert "{%" not in body


def test_pages_announce_their_feeds_with_the_page_filters(client, award):
    program, year = award.edition.program.slug, award.edition.year
    edition_page = parse(client, award.edition.get_absolute_url())
    feeds = [link["href"] for link in edition_page.find("link", rel="alternate")]
    assert f"/feeds/awards.json?program={program}&year={year}" in feeds
    browse = parse(client, "/awards/?country=FR&q=x&page=1")
    feeds = [link["href"] for link in browse.find("link", rel="alternate")]
    assert "/feeds/awards.rss?country=FR" in feeds
    home = parse(client, "/")
    assert home.find("link", rel="alternate", type="text/calendar")
