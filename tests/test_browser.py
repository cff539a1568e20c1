"""End-to-end in Debian's Chromium: staff enter and publish an award in the admin, the
public finds awards on the site, and every page type passes an axe-core accessibility scan.

Fixtures (`browsing`, `chromium`) live in conftest.py; docs/testing.md says how to run these tests.
Transactional, because the live server reads what the test writes; `staff_roles` recreates the
roles that migration 0003_roles created, which every transactional test's flush removes.
"""

import csv
import datetime
import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from registry.demo import load_demo
from registry.models import Edition, Nomination
from tests.factories import AwardFactory, CategoryFactory, EditionFactory, OrganizationFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_RECIPIENT = "Jorge Dominguez Martinez Vertiz"
SEED_AWARD = "Exemplary Law Enforcement Partnership Award"


# --- Helpers: what a person does in the admin --------------------------------------------------


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def autocomplete(page, label: str, typed: str, choice: str) -> None:
    """Pick `choice` in the admin's autocomplete box named `label` by typing `typed`, as a person does."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.locator(".select2-container--open").get_by_role("searchbox").fill(typed)
    page.get_by_role("option", name=choice).click()
    expect(box).to_contain_text(choice)


def expect_saved(page) -> None:
    expect(page.locator(".messagelist .success")).to_be_visible()


def status_of(page, path: str) -> int:
    return page.goto(path).status


def json_of(page, path: str) -> dict:
    """GET `path` with the page's cookies, as a script on the page would (no HTTP cache)."""
    response = page.request.get(path)
    assert response.ok, f"{path}: HTTP {response.status}"
    return response.json()


# --- Staff: a clerk enters, the committee decides, an editor publishes -------------------------


@pytest.fixture
def open_edition():
    """An edition whose results are not published yet, in a programme with one category."""
    program = ProgramFactory(name="Harbour Safety Awards", slug="harbour-safety-awards")
    CategoryFactory(program=program, name="Port Partnership Award", slug="port-partnership-award")
    OrganizationFactory(
        name="Example Harbour Police (fictional)", slug="example-harbour-police", country="MX"
    )
    return EditionFactory(
        program=program, year=2025, name="2025 Harbour Safety Awards", results_published_at=None
    )


@pytest.mark.usefixtures("staff_roles")
def test_award_entered_decided_and_scheduled_by_staff_is_public_only_once_published(
    browsing, staff_user, open_edition
):
    recipient = "Alex Harbourmaster"
    edition_url = "/programs/harbour-safety-awards/2025/"
    award_url = edition_url + "port-partnership-award/"

    # The clerk enters the nominee, choosing the affiliation through the autocomplete box.
    staff_user("clerk")
    clerk = browsing.new_page()
    log_in(clerk, "clerk")
    clerk.goto("/admin/registry/nominee/add/")
    clerk.get_by_label("Name").fill(recipient)
    clerk.get_by_label("Title").fill("Chief Inspector")
    autocomplete(clerk, "Affiliation", "harbour", "Example Harbour Police (fictional)")
    clerk.get_by_label("Country").select_option(label="Mexico")
    expect(clerk.get_by_label("Slug")).to_have_value("alex-harbourmaster")  # filled in from the name
    browsing.step(clerk, "clerk fills in the nominee")
    clerk.get_by_role("button", name="Save", exact=True).click()
    expect_saved(clerk)

    # … then the nomination, with two achievements, and sends it to review.
    clerk.goto("/admin/registry/nomination/add/")
    autocomplete(clerk, "Edition", "2025", "2025 Harbour Safety Awards")
    autocomplete(clerk, "Category", "port", "Port Partnership Award")
    autocomplete(clerk, "Nominee", "harbourm", recipient)
    clerk.get_by_label("Citation").fill("For turning a busy port into a safe one.")
    clerk.get_by_label("Justification").fill("Internal: the committee's reasons, never public.")
    clerk.locator("#id_achievements-0-quantity").fill("1200")
    clerk.locator("#id_achievements-0-description").fill("port inspections led")
    clerk.get_by_role("button", name="Add another Achievement").click()
    clerk.locator("#id_achievements-1-quantity").fill("3")
    clerk.locator("#id_achievements-1-description").fill("smuggling rings dismantled")
    browsing.step(clerk, "clerk fills in the nomination")
    clerk.get_by_role("button", name="Save and continue editing").click()
    expect_saved(clerk)
    clerk.get_by_label("Status").select_option(label="In review")
    clerk.get_by_role("button", name="Save and continue editing").click()
    expect_saved(clerk)
    browsing.step(clerk, "clerk sent the nomination to review")
    nomination = Nomination.objects.get(nominee__name=recipient)
    assert nomination.status == Nomination.Status.IN_REVIEW
    assert list(nomination.achievements.values_list("quantity", "description")) == [
        (1200, "port inspections led"),
        (3, "smuggling rings dismantled"),
    ]
    assert nomination.nominee.affiliation.name == "Example Harbour Police (fictional)"
    assert nomination.created_by.username == "clerk"

    # A committee member finds it by the nominee's name, shortlists it, then awards it.
    staff_user("committee")
    committee = browsing.new_page()
    log_in(committee, "committee")
    committee.goto("/admin/registry/nomination/")
    committee.get_by_role("searchbox").fill("Harbourmaster")
    committee.get_by_role("searchbox").press("Enter")
    committee.get_by_role("link", name=recipient).click()
    for status in ["Shortlisted", "Awarded"]:
        committee.get_by_label("Status").select_option(label=status)
        committee.get_by_role("button", name="Save and continue editing").click()
        expect_saved(committee)
    browsing.step(committee, "committee awarded it")
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.AWARDED

    # An editor schedules the results for tomorrow: an embargo.
    staff_user("editor")
    editor = browsing.new_page()
    log_in(editor, "editor")
    editor.goto(f"/admin/registry/edition/{open_edition.pk}/change/")
    expect(editor.locator(".field-public_preview")).to_contain_text(recipient)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    editor.locator("#id_results_published_at_0").fill(f"{tomorrow:%Y-%m-%d}")
    editor.locator("#id_results_published_at_1").fill("09:00:00")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect_saved(editor)
    expect(editor.locator("#result_list")).to_contain_text(f"Scheduled for {tomorrow:%Y-%m-%d} 09:00")
    browsing.step(editor, "editor scheduled the results")

    # Before the embargo lifts, a visitor finds nothing of it: pages, search, API, JSON feed.
    visitor = browsing.new_page()
    assert status_of(visitor, edition_url) == 404
    assert status_of(visitor, award_url) == 404
    visitor.goto("/awards/?q=Harbourmaster")
    expect(visitor.locator("#results-title")).to_have_text("0 awards matching “Harbourmaster”")
    browsing.step(visitor, "search finds nothing under embargo")
    assert json_of(visitor, "/api/v1/awards/?q=Harbourmaster")["results"] == []
    assert recipient not in str(json_of(visitor, "/feeds/awards.json")["items"])

    # The editor publishes the results now, from the editions list.
    editor.get_by_role(
        "checkbox", name="Select this object for an action - 2025 Harbour Safety Awards"
    ).check()
    editor.get_by_role("combobox", name="Action").select_option(label="Publish selected now")
    editor.get_by_role("button", name="Go").click()
    expect(editor.locator(".messagelist")).to_contain_text("Published")
    browsing.step(editor, "editor published the results now")
    assert Edition.objects.published().filter(pk=open_edition.pk).exists()

    # Now the award is on its edition page, in search, in the API and in the JSON feed.
    assert status_of(visitor, edition_url) == 200
    expect(visitor.get_by_role("region", name="Port Partnership Award")).to_contain_text(recipient)
    browsing.step(visitor, "edition page lists the award")
    visitor.goto("/awards/?q=Harbourmaster")
    expect(visitor.locator("#results-title")).to_have_text("1 award matching “Harbourmaster”")
    visitor.get_by_role("link", name=re.compile(recipient)).click()
    expect(visitor).to_have_url(re.compile(re.escape(award_url) + "$"))
    expect(visitor.get_by_role("heading", level=2, name=recipient)).to_be_visible()
    expect(visitor.locator(".figures")).to_contain_text("1,200 port inspections led")
    expect(visitor.locator("main")).not_to_contain_text("committee's reasons")  # justification is internal
    browsing.step(visitor, "award page")
    [api_award] = json_of(visitor, "/api/v1/awards/?q=Harbourmaster")["results"]
    assert api_award["recipient"]["name"] == recipient
    assert api_award["recipient"]["affiliation"] == "Example Harbour Police (fictional)"
    assert [a["quantity"] for a in api_award["achievements"]] == [1200, 3]
    assert "committee's reasons" not in str(api_award)
    [item] = [i for i in json_of(visitor, "/feeds/awards.json")["items"] if recipient in i["title"]]
    assert item["_awards"]["recipient"]["name"] == recipient


@pytest.mark.usefixtures("staff_roles")
def test_nominations_list_shows_each_status_without_scrolling_at_1280_px(browsing, staff_user):
    """Long names are cut short by the admin stylesheet, so the status column stays in view."""
    program = ProgramFactory(name="International Exemplary Partnership and Cooperation Awards Programme")
    edition = EditionFactory(program=program, year=2025, results_published_at=None)
    for index in range(3):
        category = CategoryFactory(
            program=program, name=f"Exemplary Law Enforcement Partnership and Cooperation Award {index}"
        )
        AwardFactory(
            edition=edition,
            category=category,
            nominee__name=f"Jorge Alejandro Dominguez Martinez Vertiz de la Fuente y Castañeda {index}",
            status=Nomination.Status.IN_REVIEW,
        )
    staff_user("clerk")
    clerk = browsing.new_page()  # 1280 px wide
    log_in(clerk, "clerk")
    clerk.goto("/admin/registry/nomination/")
    browsing.step(clerk, "nominations list at 1280 px")

    width = clerk.viewport_size["width"]
    assert width == 1280
    results = clerk.locator("#changelist .results").bounding_box()
    statuses = clerk.locator("#result_list td.field-status")
    expect(statuses).to_have_count(3)
    for cell in statuses.all():
        expect(cell).to_have_text("In review")
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= min(width, results["x"] + results["width"]), box
    # Nothing needs a horizontal scroll, the page's or the table's own.
    assert clerk.evaluate("document.documentElement.scrollWidth") <= width
    table_scroll = "(el => el.scrollWidth - el.clientWidth)(document.querySelector('#changelist .results'))"
    assert clerk.evaluate(table_scroll) <= 0
    # A name cut short on screen is still whole in the page, for assistive technology.
    expect(clerk.locator("#result_list td.field-nominee a").first).to_contain_text("Castañeda")


# --- The public: find the seed's award, filter, page, download, all by keyboard ----------------


@pytest.fixture
def demo_site():
    """The demo data (the seed's award among fictional ones) and 30 more awards: two pages of results."""
    seed_award = load_demo()
    edition = EditionFactory(program__name="Example Volunteer Awards (fictional)", year=2019)
    AwardFactory.create_batch(30, edition=edition, category=CategoryFactory(program=edition.program))
    return seed_award


def expect_seed_award_page(page) -> None:
    expect(page).to_have_url(
        re.compile(rf"/programs/ero-annual-awards/2021/{SEED_AWARD.lower().replace(' ', '-')}/$")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(SEED_AWARD)
    award = page.get_by_role("article", name=SEED_RECIPIENT)
    expect(award).to_contain_text("Director General, Interpol Mexico")
    expect(award.locator(".figures")).to_contain_text("23,100")
    expect(award.get_by_role("region", name="Presentation")).to_contain_text("U.S. Embassy in Mexico City")


def test_visitor_finds_the_seed_award_from_home_by_browsing_and_by_search(browsing, demo_site):
    page = browsing.new_page()
    page.goto("/")
    page.get_by_role("link", name="2021 ERO Annual Awards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2021 ERO Annual Awards")
    page.get_by_role("link", name=SEED_AWARD, exact=True).click()
    expect_seed_award_page(page)
    browsing.step(page, "award page reached by browsing")

    page.goto("/")
    page.get_by_label("Search recipients, organisations, categories and citations").fill("Interpol")
    page.get_by_label("Search recipients, organisations, categories and citations").press("Enter")
    expect(page.locator("#results-title")).to_have_text("1 award matching “Interpol”")
    browsing.step(page, "search results")
    page.get_by_role("link", name=re.compile(SEED_RECIPIENT)).click()
    expect_seed_award_page(page)


def test_visitor_filters_by_country_and_year_pages_through_results_and_downloads_the_csv(browsing, demo_site):
    page = browsing.new_page()
    page.goto("/awards/")
    total = Nomination.objects.public().count()
    expect(page.locator("#results-title")).to_have_text(f"{total} awards")
    expect(page.locator(".pagination")).to_contain_text("Page 1 of 2")
    first_page = page.locator(".award-row__link").all_inner_texts()
    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pagination")).to_contain_text("Page 2 of 2")
    second_page = page.locator(".award-row__link").all_inner_texts()
    assert len(first_page) == 25 and len(first_page) + len(second_page) == total
    assert not set(first_page) & set(second_page)
    browsing.step(page, "second page of results")
    page.get_by_role("link", name="← Previous").click()
    expect(page.locator(".pagination")).to_contain_text("Page 1 of 2")

    page.get_by_text("More filters").click()
    page.get_by_label("Country").select_option(label="Mexico")
    page.get_by_label("Year", exact=True).select_option("2021")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"country=MX"))
    expect(page.locator("#results-title")).to_have_text("1 award")
    expect(page.locator(".award-list")).to_contain_text(SEED_RECIPIENT)
    browsing.step(page, "filtered by country and year")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [(row["recipient"], row["year"], row["country"]) for row in rows] == [
        (SEED_RECIPIENT, "2021", "MX")
    ]


def test_filters_in_use_show_open_and_apply_sends_only_the_filters_given(browsing, demo_site):
    page = browsing.new_page()
    page.goto("/awards/")
    more_filters = page.locator("details.more-filters")
    expect(more_filters).not_to_have_attribute("open", "")
    page.get_by_text("More filters").click()
    page.get_by_label("Programme").select_option(label="ERO Annual Awards")
    page.get_by_label("Country").select_option(label="Mexico")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"/awards/\?program=ero-annual-awards&country=MX$"))
    expect(page.locator("#results-title")).to_have_text("1 award")
    expect(more_filters).to_have_attribute("open", "")  # the filters in use are in sight
    expect(page.get_by_label("Country")).to_have_value("MX")
    categories = page.get_by_label("Category").locator("option").all_inner_texts()
    assert categories == ["Any category", SEED_AWARD]  # only the chosen programme's
    browsing.step(page, "filtered: the filters shown open")

    page.go_back()  # the form as it was, every field still usable
    expect(page.get_by_label("Country")).to_be_enabled()


def tab_to(page, target) -> None:
    """Press Tab until `target` has the focus, and check a focus ring is shown there."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert target.evaluate("element => element.matches(':focus-visible')")
            return
    pytest.fail(f"Tab never reached {target}")


def test_visitor_searches_filters_and_opens_an_award_with_the_keyboard_alone(browsing, demo_site):
    page = browsing.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    tab_to(page, page.locator("#home-q"))
    page.keyboard.type("Interpol")
    page.keyboard.press("Enter")
    expect(page.locator("#results-title")).to_have_text("1 award matching “Interpol”")

    tab_to(page, page.get_by_text("More filters"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Country"))
    page.keyboard.type("Mexico")
    tab_to(page, page.get_by_label("Year", exact=True))
    page.keyboard.type("2021")
    tab_to(page, page.get_by_role("button", name="Apply"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=Interpol.*country=MX"))
    expect(page.locator("#results-title")).to_have_text("1 award matching “Interpol”")
    browsing.step(page, "filtered with the keyboard")

    tab_to(page, page.get_by_role("link", name=re.compile(SEED_RECIPIENT)))
    page.keyboard.press("Enter")
    expect_seed_award_page(page)


# --- Accessibility: axe-core on every public page type and the admin's nomination forms ---------

AXE = Axe()  # the axe-core script shipped inside the axe-playwright-python package: no CDN
BLOCKING_IMPACTS = {"serious", "critical"}


def accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line each."""
    violations = AXE.run(page).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']}: "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.usefixtures("staff_roles")
def test_every_public_page_type_and_the_admin_nomination_forms_pass_axe_core(browsing, demo_site, staff_user):
    award = demo_site
    ceremony = award.presentation.ceremony
    announcement = award.announcements.get()
    public_pages = {
        "home": "/",
        "programmes": "/programs/",
        "programme": award.edition.program.get_absolute_url(),
        "edition": award.edition.get_absolute_url(),
        "category": award.category.get_absolute_url(),
        "award": award.get_absolute_url(),
        "awards": "/awards/",
        "awards, no match": "/awards/?q=nothing-matches-this",
        "awards, bad filters": "/awards/?year=99999999&country=XX",
        "recipient": award.nominee.get_absolute_url(),
        "ceremonies": "/ceremonies/",
        "ceremony": ceremony.get_absolute_url(),
        "news": "/news/",
        "announcement": announcement.get_absolute_url(),
        "feeds": "/feeds/",
        "not found": "/recipients/nobody-at-all/",
    }
    problems = []
    page = browsing.new_page()
    for name, path in public_pages.items():
        page.goto(path)
        problems += accessibility_problems(page)
        browsing.step(page, name)

    staff_user("clerk")
    log_in(page, "clerk")
    page.goto("/admin/registry/nomination/add/")
    page.get_by_role("button", name="Add another Achievement").click()  # rows added by script too
    problems += accessibility_problems(page)
    browsing.step(page, "admin: add a nomination")
    page.goto(f"/admin/registry/nomination/{award.pk}/change/")
    problems += accessibility_problems(page)
    browsing.step(page, "admin: change a nomination")
    assert not problems, "\n".join(problems)
