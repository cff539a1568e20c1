"""The public pages: content, the visibility rule, constant queries, bad input, CSV."""

import csv
import datetime
import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from registry.models import Nomination, Program

from .factories import (
    AchievementFactory,
    AnnouncementFactory,
    AwardFactory,
    CategoryFactory,
    CeremonyFactory,
    EditionFactory,
    NominationFactory,
    NomineeFactory,
    OrganizationFactory,
    PresentationFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

COUNTRIES = [(code, str(name)) for code, name in countries]

INTERNAL_TEXTS = ["Internal reasoning that must never be public.", "Internal Nominator"]


@pytest.fixture
def seed():
    """The seed record, as the demo data stores it."""
    ero = OrganizationFactory(name="U.S. Immigration and Customs Enforcement", short_name="ERO", country="US")
    program = ProgramFactory(name="ERO Annual Awards", slug="ero-annual-awards", conferred_by=ero)
    edition = EditionFactory(
        program=program,
        year=2021,
        results_published_at=datetime.datetime(2022, 9, 28, 12, tzinfo=datetime.UTC),
    )
    category = CategoryFactory(
        program=program,
        name="Exemplary Law Enforcement Partnership Award",
        slug="exemplary-law-enforcement-partnership-award",
    )
    award = AwardFactory(
        edition=edition,
        category=category,
        nominee__name="Jorge Dominguez Martinez Vertiz",
        nominee__slug="jorge-dominguez-martinez-vertiz",
        nominee__title="Director General",
        nominee__country="MX",
        nominee__affiliation=OrganizationFactory(name="Interpol Mexico", country="MX"),
        citation="For leading Interpol Mexico's contributions to the SAFE partnership.",
    )
    AchievementFactory(nomination=award, quantity=23100, description="ERO-detained cases vetted", position=1)
    AchievementFactory(nomination=award, quantity=474, description="fugitive arrests facilitated", position=2)
    ceremony = CeremonyFactory(
        edition=edition,
        name="ERO Mexico City award ceremony",
        slug="ero-mexico-city-2022",
        venue="U.S. Embassy in Mexico City",
        city="Mexico City",
        country="MX",
    )
    PresentationFactory(
        nomination=award,
        ceremony=ceremony,
        presenter_name="William McCafferty",
        presenter_title="Assistant Attaché for Removal",
        remarks="An amazing colleague who is working hard to make North America safer.",
    )
    news = AnnouncementFactory(
        title="Interpol Mexico director receives ERO award", slug="interpol-mexico-award"
    )
    news.related_awards.add(award)
    return award


def options(response, name) -> list[tuple[str, str]]:
    """The (value, label) options of the page's drop-down `name`."""
    select = re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S).group()
    return [
        (value, html.unescape(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)
    ]


def selected(response, name) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S).group()
    return html.unescape(re.search(r'<option value="([^"]*)" selected>', select).group(1))


def get(client, url, **params):
    return client.get(url, params)


class TestSeedAward:
    def test_home_links_to_the_award_page(self, client, seed):
        home = client.get("/")
        assert seed.get_absolute_url() in home.content.decode()

    def test_home_to_edition_to_award_in_two_clicks(self, client, seed):
        home = client.get("/").content.decode()
        edition_url = seed.edition.get_absolute_url()
        assert edition_url in home or seed.edition.program.get_absolute_url() in home
        assert seed.get_absolute_url() in client.get(edition_url).content.decode()

    @pytest.mark.parametrize("query", ["interpol", "dominguez", "Domínguez", "INTERPOL mexico"])
    def test_search_finds_it(self, client, seed, query):
        AwardFactory(nominee__name="Someone Else")
        page = client.get("/awards/", {"q": query}).content.decode()
        assert "Jorge Dominguez Martinez Vertiz" in page
        assert "Someone Else" not in page

    def test_award_page_shows_the_whole_record(self, client, seed):
        response = client.get("/programs/ero-annual-awards/2021/exemplary-law-enforcement-partnership-award/")
        assert response.status_code == 200
        page = response.content.decode()
        for text in [
            "Jorge Dominguez Martinez Vertiz",
            "Director General",
            "Interpol Mexico",
            "Mexico",
            "23,100",
            "474",
            "fugitive arrests facilitated",
            "U.S. Embassy in Mexico City",
            "William McCafferty",
            "make North America safer",
            "Interpol Mexico director receives ERO award",
        ]:
            assert text in page, text
        for text in INTERNAL_TEXTS:
            assert text not in page

    def test_award_page_has_one_h1_and_breadcrumbs(self, client, seed):
        page = client.get(seed.get_absolute_url()).content.decode()
        assert page.count("<h1") == 1
        assert 'aria-label="Breadcrumb"' in page
        assert f'href="{seed.edition.get_absolute_url()}"' in page

    def test_edition_page_groups_awards_by_category_in_category_order(self, client, seed):
        late = CategoryFactory(program=seed.edition.program, name="Zeta Late Category", position=99)
        early = CategoryFactory(program=seed.edition.program, name="Alpha Early Category", position=0)
        seed.category.position = 50
        seed.category.save()
        AwardFactory(edition=seed.edition, category=late)
        AwardFactory(edition=seed.edition, category=early)
        page = client.get(seed.edition.get_absolute_url()).content.decode()
        positions = [page.index(name) for name in ["Alpha Early", "Exemplary Law", "Zeta Late"]]
        assert positions == sorted(positions)
        assert "ERO Mexico City award ceremony" in page

    def test_category_page_lists_recipients_year_by_year(self, client, seed):
        later = EditionFactory(program=seed.edition.program, year=2022)
        AwardFactory(edition=later, category=seed.category, nominee__name="Next Year Recipient")
        page = client.get(seed.category.get_absolute_url()).content.decode()
        assert page.index("Next Year Recipient") < page.index("Jorge Dominguez")

    def test_recipient_page_lists_their_public_awards(self, client, seed):
        page = client.get(seed.nominee.get_absolute_url()).content.decode()
        assert "2021 Exemplary Law Enforcement Partnership Award" in page
        assert seed.get_absolute_url() in page

    def test_ceremony_page_lists_awards_presented(self, client, seed):
        page = client.get("/ceremonies/ero-mexico-city-2022/").content.decode()
        assert "Jorge Dominguez Martinez Vertiz" in page

    def test_news_page_links_its_public_awards(self, client, seed):
        page = client.get("/news/interpol-mexico-award/").content.decode()
        assert seed.get_absolute_url() in page


def test_demo_seed_award_is_two_clicks_from_home_and_found_by_search(client):
    call_command("load_demo", verbosity=0)
    award_url = "/programs/ero-annual-awards/2021/exemplary-law-enforcement-partnership-award/"
    home = client.get("/").content.decode()
    assert 'href="/programs/ero-annual-awards/2021/"' in home
    assert f'href="{award_url}"' in client.get("/programs/ero-annual-awards/2021/").content.decode()
    award_page = client.get(award_url).content.decode()
    assert "Jorge Dominguez Martinez Vertiz" in award_page
    for query in ("interpol", "dominguez"):
        assert f'href="{award_url}"' in client.get("/awards/", {"q": query}).content.decode(), query


class TestListPages:
    def test_programme_list_and_detail(self, client, seed):
        assert "ERO Annual Awards" in client.get("/programs/").content.decode()
        page = client.get("/programs/ero-annual-awards/").content.decode()
        assert "2021 ERO Annual Awards" in page
        assert "Exemplary Law Enforcement Partnership Award" in page

    def test_ceremonies_are_split_into_upcoming_and_past(self, client, seed):
        CeremonyFactory(
            edition=seed.edition, name="Future Gala", date=timezone.localdate() + datetime.timedelta(days=30)
        )
        page = client.get("/ceremonies/").content.decode()
        assert page.index("Future Gala") < page.index("Past") < page.index("ERO Mexico City award ceremony")

    def test_news_list_is_newest_first(self, client):
        now = timezone.now()
        AnnouncementFactory(title="Older news", published_at=now - datetime.timedelta(days=2))
        AnnouncementFactory(title="Newer news", published_at=now - datetime.timedelta(days=1))
        page = client.get("/news/").content.decode()
        assert page.index("Newer news") < page.index("Older news")


class TestAwardBrowser:
    def test_filters_narrow_the_results(self, client, seed):
        other = AwardFactory(nominee__country="FR", nominee__name="French Recipient")
        by_country = client.get("/awards/", {"country": "MX"}).content.decode()
        assert "Jorge Dominguez" in by_country and "French Recipient" not in by_country
        by_program = client.get("/awards/", {"program": other.edition.program.slug}).content.decode()
        assert "French Recipient" in by_program and "Jorge Dominguez" not in by_program
        by_years = client.get("/awards/", {"year_min": 2021, "year_max": 2021}).content.decode()
        assert "Jorge Dominguez" in by_years

    def test_invalid_filter_shows_the_error_and_no_results(self, client, seed):
        response = client.get("/awards/", {"country": "XX"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Select a valid choice" in page
        assert 'aria-invalid="true"' in page and 'aria-describedby="id_country-error"' in page
        assert "Jorge Dominguez" not in page

    def test_an_unknown_programme_is_a_404_saying_so_and_one_not_yet_public_the_same(self, client, seed):
        hidden = AwardFactory(
            edition__results_published_at=None, nominee__name="Hidden Winner"
        ).edition.program

        for slug in ("no-such-programme", hidden.slug):
            response = client.get("/awards/", {"program": slug, "country": "MX"})
            assert response.status_code == 404
            page = response.content.decode()
            assert page.count(f"No programme with slug “{slug}”.") == 2  # the summary, and beside the field
            assert 'aria-describedby="id_program-error"' in page
            assert "Jorge Dominguez" not in page and "Hidden Winner" not in page
        assert client.get("/awards.csv", {"program": "no-such-programme"}).status_code == 400

    def test_programme_and_category_are_offered_as_choices_of_public_ones(self, client, seed):
        hidden = AwardFactory(edition__results_published_at=None, category__name="Hidden Category")
        page = client.get("/awards/").content.decode()
        assert '<option value="ero-annual-awards">ERO Annual Awards</option>' in page
        assert "Exemplary Law Enforcement Partnership Award</option>" in page
        assert hidden.edition.program.name not in page
        assert "Hidden Category" not in page

    def test_a_chosen_programme_offers_only_its_categories(self, client, seed):
        other = AwardFactory(category__name="Other Programme Category")
        chosen = options(client.get("/awards/", {"program": seed.edition.program.slug}), "category")
        assert chosen == [("", "Any category"), (seed.category.slug, seed.category.name)]
        every = options(client.get("/awards/"), "category")
        assert (other.category.slug, "Other Programme Category") in every and len(every) == 3

    def test_countries_years_and_categories_offered_are_only_those_of_public_awards(self, client, seed):
        AwardFactory(edition__year=2019, nominee__country="FR")
        AwardFactory(  # unpublished: its programme, category, year and country are not public
            edition__results_published_at=None,
            edition__year=2030,
            category__name="Hidden Category",
            nominee__country="JP",
        )
        AwardFactory(
            edition__results_published_at=timezone.now() + datetime.timedelta(days=1),
            edition__year=2031,
            nominee__country="DE",
        )
        NominationFactory(  # not awarded, in the published edition
            edition=seed.edition, category=seed.category, status="not_selected", nominee__country="IT"
        )
        page = client.get("/awards/")
        assert options(page, "country") == [("", "Any country"), ("FR", "France"), ("MX", "Mexico")]
        for name, empty in (("year", "Any year"), ("year_min", "Any"), ("year_max", "Any")):
            assert options(page, name) == [("", empty), ("2021", "2021"), ("2019", "2019")], name
        assert "Hidden Category" not in page.content.decode()

    def test_a_valid_filter_value_that_is_not_offered_stays_shown_as_chosen(self, client, seed):
        response = client.get("/awards/", {"country": "JP", "year": "1999", "category": "gone"})
        assert response.status_code == 200 and response.context["page_obj"].paginator.count == 0
        assert ("JP", "Japan") in options(response, "country")
        assert selected(response, "country") == "JP"
        assert selected(response, "year") == "1999"
        assert selected(response, "category") == "gone"

    def test_a_reversed_year_range_is_a_clear_error(self, client, seed):
        response = client.get("/awards/", {"year_min": "2022", "year_max": "2020"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "The “from” year is after the “to” year." in page
        assert '<select name="year_min" aria-invalid="true" aria-describedby="id_year_min-error"' in page
        assert "Jorge Dominguez" not in page
        assert client.get("/awards.csv", {"year_min": "2022", "year_max": "2020"}).status_code == 400
        assert client.get("/awards/", {"year_min": "2021", "year_max": "2021"}).status_code == 200

    @pytest.mark.parametrize(
        ("query", "is_open"),
        [
            ("", False),
            ("?q=interpol", False),
            ("?q=&country=", False),
            ("?country=MX", True),
            ("?year_max=2021", True),
        ],
    )
    def test_more_filters_start_open_when_one_of_them_is_set(self, client, seed, query, is_open):
        page = client.get(f"/awards/{query}").content.decode()
        assert ('<details class="more-filters" open>' in page) is is_open
        assert ('<details class="more-filters">' in page) is not is_open

    def test_links_that_keep_the_filters_leave_out_the_empty_ones(self, client, seed):
        AwardFactory.create_batch(30, nominee__country="MX")
        page = client.get("/awards/?q=&program=&country=MX&year_min=&ordering=recipient").content.decode()
        assert 'href="?country=MX&amp;ordering=recipient&amp;page=2"' in page
        assert 'href="/awards.csv?country=MX&amp;ordering=recipient"' in page

    def test_the_choices_cost_no_query_per_row(self, client, django_assert_max_num_queries):
        codes = [code for code, name in COUNTRIES][:40]
        for i, code in enumerate(codes):
            AwardFactory(edition__year=1960 + i, nominee__country=code)
        for url, bound in (
            ("/awards/", QUERY_BOUNDS["/awards/"]),
            (  # and the check that the programme is public
                f"/awards/?program={Program.objects.first().slug}&year_min=1960&year_max=2000",
                QUERY_BOUNDS["/awards/"] + 1,
            ),
        ):
            with django_assert_max_num_queries(bound, info=url):
                response = client.get(url)
            assert response.status_code == 200, url
        assert [code for code, name in options(response, "country")[1:]] == codes  # in name order
        assert len(options(response, "year")) == 41

    def test_the_choices_are_read_once_per_public_state(self, client, seed):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def country_lists_read(url):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return sum('DISTINCT "registry_nominee"."country"' in q["sql"] for q in queries)

        assert country_lists_read("/awards/?kind=person") == 1
        assert country_lists_read("/awards/?kind=organization") == 0  # another URL, the same state
        AwardFactory(nominee__country="FR")  # the token moves: the lists are read again
        assert country_lists_read("/awards/?kind=team") == 1
        assert ("FR", "France") in options(client.get("/awards/?kind=person"), "country")

    def test_pages_never_repeat_or_skip_a_row(self, client):
        program = ProgramFactory()
        edition = EditionFactory(program=program, year=2020)
        category = CategoryFactory(program=program)
        # Same year, category and name: only the tiebreaker orders them.
        names = [
            AwardFactory(edition=edition, category=category, nominee__name="Same Name").pk for _ in range(30)
        ]
        seen = []
        for page in (1, 2):
            response = client.get("/awards/", {"page": page, "ordering": "recipient"})
            seen += [award.id for award in response.context["awards"]]
        assert sorted(seen) == sorted(names)

    def test_out_of_range_page_is_404(self, client, seed):
        assert client.get("/awards/", {"page": 99}).status_code == 404


class TestVisibility:
    """Anything not public is a 404 indistinguishable from a page that never existed."""

    @pytest.fixture
    def hidden(self):
        now = timezone.now()
        draft = EditionFactory(results_published_at=None)
        scheduled = EditionFactory(results_published_at=now + datetime.timedelta(days=1))
        return {
            "draft_award": AwardFactory(edition=draft),
            "scheduled_award": AwardFactory(edition=scheduled),
            "shortlisted": NominationFactory(status=Nomination.Status.SHORTLISTED),
            "draft_news": AnnouncementFactory(published_at=None),
            "scheduled_news": AnnouncementFactory(published_at=now + datetime.timedelta(hours=1)),
            "ceremony": CeremonyFactory(edition=draft),
        }

    def hidden_urls(self, hidden):
        # A shortlisted nomination in a published edition: its award and nominee pages only.
        urls = [hidden["shortlisted"].get_absolute_url(), hidden["shortlisted"].nominee.get_absolute_url()]
        for key in ("draft_award", "scheduled_award"):
            nomination = hidden[key]
            urls += [
                nomination.get_absolute_url(),
                nomination.nominee.get_absolute_url(),
                nomination.edition.get_absolute_url(),
                nomination.edition.program.get_absolute_url(),
                nomination.category.get_absolute_url(),
            ]
        urls += [hidden["draft_news"].get_absolute_url(), hidden["scheduled_news"].get_absolute_url()]
        urls.append(hidden["ceremony"].get_absolute_url())
        return urls

    def test_every_non_public_page_is_a_plain_404(self, client, hidden):
        for url in self.hidden_urls(hidden):
            # The same route with a slug that never existed.
            parts = url.split("/")
            parts[2] = "zz-never-existed"
            missing_url = "/".join(parts)
            missing = client.get(missing_url)
            response = client.get(url)
            assert response.status_code == missing.status_code == 404, url
            assert response.content.decode().replace(url, "") == missing.content.decode().replace(
                missing_url, ""
            )

    def test_non_public_rows_appear_on_no_page(self, client, hidden, seed):
        names = [hidden[key].nominee.name for key in ("draft_award", "scheduled_award", "shortlisted")]
        titles = [hidden["draft_news"].title, hidden["scheduled_news"].title]
        urls = ["/", "/programs/", "/awards/", "/ceremonies/", "/news/", "/sitemap.xml", "/awards.csv"]
        urls += [seed.get_absolute_url(), seed.edition.get_absolute_url(), seed.category.get_absolute_url()]
        for url in urls:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            for text in [*names, *titles, hidden["ceremony"].name, *INTERNAL_TEXTS]:
                assert text not in body.decode(), (url, text)

    def test_scheduled_results_go_live_at_their_time(self, client, time_machine):
        now = timezone.now()
        award = AwardFactory(edition__results_published_at=now + datetime.timedelta(hours=1))
        assert client.get(award.get_absolute_url()).status_code == 404
        time_machine.move_to(now + datetime.timedelta(hours=2))
        assert client.get(award.get_absolute_url()).status_code == 200

    def test_unpublished_award_of_a_published_category_is_not_shown(self, client, seed):
        NominationFactory(
            edition=seed.edition, category=seed.category, nominee__name="Runner Up", status="not_selected"
        )
        assert "Runner Up" not in client.get(seed.get_absolute_url()).content.decode()

    def test_ceremony_announced_ahead_of_results_is_public_without_its_awards(self, client):
        now = timezone.now()
        award = AwardFactory(edition__results_published_at=None, nominee__name="Secret Winner")
        ceremony = CeremonyFactory(edition=award.edition, announced_at=now - datetime.timedelta(days=1))
        PresentationFactory(nomination=award, ceremony=ceremony)
        response = client.get(ceremony.get_absolute_url())
        assert response.status_code == 200
        assert "Secret Winner" not in response.content.decode()
        # Its edition is not published: no link to a page that would 404.
        assert award.edition.get_absolute_url() not in response.content.decode()


def build_rows(n):
    """n of everything each page lists: awards, recipients' awards, ceremonies, news, achievements."""
    program = ProgramFactory(slug="big")
    category = CategoryFactory(program=program, slug="cat")
    edition = EditionFactory(program=program, year=2000)
    ceremony = CeremonyFactory(edition=edition, slug="gala")
    news = AnnouncementFactory(slug="big-news", edition=edition)
    star = NomineeFactory(slug="star", affiliation=OrganizationFactory())
    for i in range(n):
        award = AwardFactory(edition=edition, category=category, nominee__affiliation=OrganizationFactory())
        AchievementFactory.create_batch(2, nomination=award)
        PresentationFactory(nomination=award, ceremony=ceremony)
        news.related_awards.add(award)
        star_award = AwardFactory(
            edition=EditionFactory(program=program, year=2001 + i), category=category, nominee=star
        )
        AchievementFactory(nomination=star_award)
        CeremonyFactory(edition=star_award.edition)
        AnnouncementFactory()


# page → most queries it may run, whatever the number of rows (one-line reason each).
QUERY_BOUNDS = {
    "/": 6,  # public state (ETag), latest award ids, their rows, news, upcoming ceremonies, editions
    "/programs/": 2,  # public state (ETag), programmes with their counts as subqueries
    "/programs/big/": 4,  # public state (ETag), programme, editions, categories
    "/programs/big/2000/": 5,  # public state (ETag), edition, awards (bounded per category), ceremonies, news
    "/programs/big/categories/cat/": 4,  # public state (ETag), programme, category, awards
    "/programs/big/2000/cat/": 4,  # public state (ETag), awards with joins, achievements, announcements
    # public state (ETag); programme, category, country and year choices; count, page of ids, rows
    "/awards/": 8,
    "/awards/?q=nominee&country=FR&ordering=-year": 8,  # the same
    # categories of the programme; the check that the programme is public
    "/awards/?program=big&category=cat&year_min=2000&year_max=2030": 9,
    "/awards.csv": 2,  # awards, achievements (per chunk of 2,000)
    "/recipients/star/": 4,  # public state (ETag), recipient, awards, achievements
    "/ceremonies/": 4,  # public state (ETag); upcoming, past: a count and a page (paged: 1,750 at scale)
    "/ceremonies/gala/": 3,  # public state (ETag), ceremony, awards
    "/news/": 3,  # public state (ETag), count, page
    "/news/big-news/": 3,  # public state (ETag), announcement, its public awards
    "/sitemap.xml": 7,  # a count per section with rows in the database (pages are a list)
    "/sitemap-awards.xml": 2,  # count, page
    "/sitemap-recipients.xml": 2,  # count, page
}


@pytest.mark.parametrize("rows", [1, 55])
def test_every_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    build_rows(rows)
    for url, bound in QUERY_BOUNDS.items():
        with django_assert_max_num_queries(bound, info=url):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url


PUBLIC_PAGES = [url for url in QUERY_BOUNDS if not url.startswith(("/awards.csv", "/sitemap"))] + ["/feeds/"]


def test_every_public_page_answers_its_own_etag_with_a_304_and_a_repeat_from_the_stored_copy(
    client, settings, django_assert_num_queries
):
    settings.PUBLIC_STATE_TTL = 60
    build_rows(2)
    for url in PUBLIC_PAGES:
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"], url
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304, url
        with django_assert_num_queries(0, info=url):
            again = client.get(url)
        assert again.content == first.content, url


def upcoming_section(response) -> str:
    """The "Upcoming" panel of the home page or the ceremonies page."""
    html = response.content.decode()
    start = html.index('id="ceremonies-title"' if 'id="ceremonies-title"' in html else 'id="upcoming-title"')
    return html[start : html.index("</section>", start)]


def test_upcoming_ceremonies_become_past_at_midnight_without_a_stale_304(client, time_machine, settle):
    today = timezone.localdate()
    CeremonyFactory(name="Midnight Gala", date=today)
    settle()
    time_machine.move_to(
        timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 0))), tick=False
    )
    before = {url: client.get(url) for url in ("/", "/ceremonies/")}
    time_machine.move_to(
        timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59))), tick=False
    )
    time_machine.shift(datetime.timedelta(minutes=2))  # past midnight; no data changed
    for url, response in before.items():
        assert "Midnight Gala" in upcoming_section(response), url
        after = client.get(url, headers={"if-none-match": response["ETag"]})
        assert after.status_code == 200, url  # not a 304 of yesterday's page
        assert "Midnight Gala" not in upcoming_section(after), url
        assert after["Last-Modified"] != response["Last-Modified"], url


HUGE = "9" * 10_000
BAD_QUERIES = [
    {"page": "abc"},
    {"page": "-1"},
    {"page": "0"},
    {"page": "99999999999999999999999"},
    {"page": "1e3"},
    {"page": HUGE},
    {"q": "x" * 10_000},
    {"q": "inter\x00pol"},
    {"q": "'; DROP TABLE registry_nomination; --"},
    {"q": "!!! ::* & | <>"},
    {"year": "99999999"},
    {"year": "-5"},
    {"year": "abc"},
    {"year_min": "3000", "year_max": "1000"},
    {"year": HUGE},
    {"country": "XX"},
    {"country": "\x00"},
    {"kind": "alien"},
    {"program": "not a slug"},
    {"program": "a\x00b"},
    {"category": "ünïcode"},
    {"ordering": "justification"},
    {"ordering": "-id,year"},
    {"page": ["1", "2"], "q": ["a", "b"], "year": ["2021", "x"]},
    {"p": "abc"},
    {"p": HUGE},
    {"p": "-3"},
]


def test_bad_query_input_never_gives_a_server_error(client, seed):
    urls = [
        "/",
        "/programs/",
        "/programs/ero-annual-awards/",
        "/programs/ero-annual-awards/2021/",
        "/programs/ero-annual-awards/categories/exemplary-law-enforcement-partnership-award/",
        seed.get_absolute_url(),
        "/awards/",
        "/awards.csv",
        seed.nominee.get_absolute_url(),
        "/ceremonies/",
        "/ceremonies/ero-mexico-city-2022/",
        "/news/",
        "/news/interpol-mexico-award/",
        "/sitemap.xml",
        "/sitemap-awards.xml",
        "/sitemap-nope.xml",
        "/robots.txt",
        "/healthz",
    ]
    for url in urls:
        for params in BAD_QUERIES:
            response = client.get(url, params)
            assert response.status_code < 500, (url, params)


@pytest.mark.parametrize(
    "url",
    [
        "/programs/nope/",
        "/programs/ero-annual-awards/1999/",
        "/programs/ero-annual-awards/99999999/",
        "/programs/ero-annual-awards/2021/nope/",
        "/programs/ero-annual-awards/categories/nope/",
        "/programs/ero-annual-awards/-2021/",
        "/programs/%00/",
        "/recipients/nope/",
        "/recipients/a%00b/",
        "/ceremonies/nope/",
        "/news/nope/",
        "/programs/ero-annual-awards/2021/exemplary-law-enforcement-partnership-award%00/",
    ],
)
def test_unknown_or_malformed_paths_are_404(client, seed, url):
    assert client.get(url).status_code == 404


def test_only_get_and_head_are_allowed(client, seed):
    assert client.post("/awards/").status_code == 405
    assert client.head(seed.get_absolute_url()).status_code == 200


class TestCsvDownload:
    def read(self, response):
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))

    def test_csv_has_the_filtered_public_awards(self, client, seed):
        AwardFactory(nominee__country="FR")
        NominationFactory(nominee__country="MX", status=Nomination.Status.SHORTLISTED)
        rows = self.read(client.get("/awards.csv", {"country": "MX"}))
        assert len(rows) == 1
        row = rows[0]
        assert row["recipient"] == "Jorge Dominguez Martinez Vertiz"
        assert row["year"] == "2021"
        assert row["affiliation"] == "Interpol Mexico"
        assert row["ceremony_date"] == "2022-09-20"
        assert row["achievements"] == "23,100 ERO-detained cases vetted; 474 fugitive arrests facilitated"
        assert row["page_url"] == "http://testserver" + seed.get_absolute_url()
        assert "justification" not in row

    def test_award_list_links_to_the_csv_of_the_same_filter(self, client, seed):
        page = client.get("/awards/", {"q": "interpol", "country": "MX", "page": "1"}).content.decode()
        assert "/awards.csv?q=interpol&amp;country=MX" in page

    @pytest.mark.parametrize(
        "payload",
        [
            '=HYPERLINK("http://evil")',
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            '\n=HYPERLINK("http://evil")',
        ],
    )
    def test_spreadsheet_formulas_are_neutralised(self, client, payload):
        AwardFactory(nominee__name=payload, citation=payload)
        row = self.read(client.get("/awards.csv"))[0]
        assert row["recipient"] == "'" + payload
        assert row["citation"] == "'" + payload

    def test_unicode_survives(self, client):
        AwardFactory(nominee__name="Jorge Domínguez Martínez Vértiz")
        assert self.read(client.get("/awards.csv"))[0]["recipient"] == "Jorge Domínguez Martínez Vértiz"

    def test_invalid_filter_is_400(self, client):
        assert client.get("/awards.csv", {"year": "99999999"}).status_code == 400


def test_healthz_reports_the_database(client, monkeypatch):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("registry.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_reverse_names_used_by_models_api_and_feeds():
    assert reverse("registry:home") == "/"
    assert reverse("registry:program-detail", kwargs={"program": "p"}) == "/programs/p/"
    assert reverse("registry:edition-detail", kwargs={"program": "p", "year": 2021}) == "/programs/p/2021/"
    assert (
        reverse("registry:category-detail", kwargs={"program": "p", "category": "c"})
        == "/programs/p/categories/c/"
    )
    assert reverse("registry:award-detail", kwargs={"program": "p", "year": 2021, "category": "c"}) == (
        "/programs/p/2021/c/"
    )
    assert reverse("registry:award-list") == "/awards/"
    assert reverse("registry:recipient-detail", kwargs={"slug": "r"}) == "/recipients/r/"
    assert reverse("registry:ceremony-detail", kwargs={"slug": "c"}) == "/ceremonies/c/"
    assert reverse("registry:announcement-detail", kwargs={"slug": "n"}) == "/news/n/"
