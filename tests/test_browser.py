"""End-to-end in Debian's Chromium (issue 8): staff enter and publish an award in the admin, the
public finds awards on the site, and every page type passes an axe-core accessibility scan.

Fixtures (`browsing`, `chromium`) live in conftest.py; docs/testing.md says how to run these tests.
Transactional, because the live server reads what the test writes; `serialized_rollback` restores
the roles that migration 0003_roles created, which every transactional test's flush removes.
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEED_RECIPIENT = "Jorge Dominguez Martinez Vertiz"
SEED_AWARD = "Exemplary Law Enforcement Partnership Award"


# --- Helpers: what a person does in the admin --------------------------------------------------


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def autocomplete(page, field: str, typed: str, choice: str) -> None:
    """Pick `choice` in an admin autocomplete box by typing `typed`, as a person does."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=choice).click()
    expect(page.locator(f"#id_{field} + .select2 .select2-selection__rendered")).to_contain_text(choice)


def expect_saved(page) -> None:
    expect(page.locator(".messagelist .success")).to_be_visible()


def public_look(browsing, path: str):
    """A new visitor (no cookies, no cache) opens `path`; returns the page and the HTTP status."""
    page = browsing.new_page()
    response = page.goto(path)
    return page, response.status


def public_json(browsing, path: str) -> dict:
    response = browsing.new_page().request.get(path)
    assert response.ok, f"{path}: HTTP {response.status}"
    return response.json()


# --- Staff: a clerk enters, the committee decides, an editor publishes -------------------------


@pytest.fixture
def open_edition():
    """An edition whose results are not published yet, in a programme with one category."""
    program = ProgramFactory(name="Harbour Safety Awards", slug="harbour-safety-awards")
    CategoryFactory(program=program, name="Port Partnership Award", slug="port-partnership-award")
    OrganizationFactory(name="Example Harbour Police (fictional)", slug="example-harbour-police", country="MX")
    return EditionFactory(program=program, year=2025, name="2025 Harbour Safety Awards", results_published_at=None)


def test_staff_enter_award_and_publish_it_after_an_embargo_and_the_public_then_finds_it(
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
    autocomplete(clerk, "affiliation", "harbour", "Example Harbour Police (fictional)")
    clerk.get_by_label("Country").select_option(label="Mexico")
    expect(clerk.get_by_label("Slug")).to_have_value("alex-harbourmaster")  # filled in from the name
    browsing.step(clerk, "clerk fills in the nominee")
    clerk.get_by_role("button", name="Save", exact=True).click()
    expect_saved(clerk)

    # … then the nomination, with two achievements, and sends it to review.
    clerk.goto("/admin/registry/nomination/add/")
    autocomplete(clerk, "edition", "2025", "2025 Harbour Safety Awards")
    autocomplete(clerk, "category", "port", "Port Partnership Award")
    autocomplete(clerk, "nominee", "harbourm", recipient)
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

    # Before the embargo lifts, nothing of it is public: pages, search, API, JSON feed.
    for path in [edition_url, award_url]:
        page, status = public_look(browsing, path)
        assert status == 404, path
    page, status = public_look(browsing, "/awards/?q=Harbourmaster")
    expect(page.locator("#results-title")).to_have_text("0 awards matching “Harbourmaster”")
    browsing.step(page, "search finds nothing under embargo")
    assert public_json(browsing, "/api/v1/awards/?q=Harbourmaster")["results"] == []
    assert recipient not in str(public_json(browsing, "/feeds/awards.json")["items"])

    # The editor publishes the results now, from the editions list.
    editor.get_by_role("checkbox", name="Select this object for an action - 2025 Harbour Safety Awards").check()
    editor.get_by_role("combobox", name="Action").select_option(label="Publish selected now")
    editor.get_by_role("button", name="Go").click()
    expect(editor.locator(".messagelist")).to_contain_text("Published")
    browsing.step(editor, "editor published the results now")
    assert Edition.objects.published().filter(pk=open_edition.pk).exists()

    # Now the award is on its edition page, in search, in the API and in the JSON feed.
    page, status = public_look(browsing, edition_url)
    assert status == 200
    expect(page.get_by_role("region", name="Port Partnership Award")).to_contain_text(recipient)
    browsing.step(page, "edition page lists the award")
    page, status = public_look(browsing, "/awards/?q=Harbourmaster")
    expect(page.locator("#results-title")).to_have_text("1 award matching “Harbourmaster”")
    page.get_by_role("link", name=re.compile(recipient)).click()
    expect(page).to_have_url(re.compile(re.escape(award_url) + "$"))
    expect(page.get_by_role("heading", level=2, name=recipient)).to_be_visible()
    expect(page.locator(".figures")).to_contain_text("1,200 port inspections led")
    expect(page.locator("main")).not_to_contain_text("committee's reasons")  # the justification stays internal
    browsing.step(page, "award page")
    [api_award] = public_json(browsing, "/api/v1/awards/?q=Harbourmaster")["results"]
    assert api_award["recipient"]["name"] == recipient
    assert api_award["recipient"]["affiliation"] == "Example Harbour Police (fictional)"
    assert [a["quantity"] for a in api_award["achievements"]] == [1200, 3]
    assert "justification" not in str(api_award)
    [item] = [i for i in public_json(browsing, "/feeds/awards.json")["items"] if recipient in i["title"]]
    assert item["_awards"]["recipient"]["name"] == recipient
