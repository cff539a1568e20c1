"""End to end in Debian's Chromium: the staff's daily path. A clerk enters a nomination (the category
box offers the edition's programme only), the committee awards it in one step and previews the
edition, an editor schedules the results a few seconds ahead in the programme's time zone, and
once that time has come the public page shows the award. Fixtures and helpers as in
tests/test_browser.py."""

import datetime
import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.models import Nomination
from tests.factories import CategoryFactory, EditionFactory, NomineeFactory, ProgramFactory
from tests.test_browser import autocomplete, expect_saved, log_in, status_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECIPIENT = "Alex Harbourmaster"
EDITION_URL = "/programs/harbour-safety-awards/2026/"
# Enough for the editor's save to land before it; the test then waits for it to pass.
SCHEDULE_AHEAD = datetime.timedelta(seconds=15)
# Not the site's (UTC): the editor types the time as the programme's staff read their clocks.
PROGRAMME_ZONE = "America/Mexico_City"


def type_publication_time(page, at: datetime.datetime) -> None:
    """Type `at` into the edition's results publication time in the programme's time zone, which
    the field's help names. The one place that knows how that field is typed."""
    expect(page.locator(".field-results_published_at")).to_contain_text(f"Times in {PROGRAMME_ZONE}.")
    local = at.astimezone(zoneinfo.ZoneInfo(PROGRAMME_ZONE))
    page.locator("#id_results_published_at_0").fill(f"{local:%Y-%m-%d}")
    page.locator("#id_results_published_at_1").fill(f"{local:%H:%M:%S}")


def wait_until_public(page, path: str, at: datetime.datetime) -> None:
    """Reload `path` until it is found, from the time `at` on (a scheduled publication)."""
    time.sleep(max(0, (at - timezone.now()).total_seconds()))
    deadline = time.monotonic() + 30
    while status_of(page, path) != 200:
        assert time.monotonic() < deadline, f"{path} still not public after its publication time"
        time.sleep(1)


@pytest.fixture
def draft_edition():
    """A draft edition, and another programme whose category has a similar name."""
    harbour = ProgramFactory(
        name="Harbour Safety Awards", slug="harbour-safety-awards", time_zone=PROGRAMME_ZONE
    )
    CategoryFactory(program=harbour, name="Port Partnership Award", slug="port-partnership-award")
    rail = ProgramFactory(name="Rail Safety Awards", slug="rail-safety-awards")
    CategoryFactory(program=rail, name="Rail Partnership Award", slug="rail-partnership-award")
    NomineeFactory(name=RECIPIENT, slug="alex-harbourmaster")
    return EditionFactory(
        program=harbour, year=2026, name="2026 Harbour Safety Awards", results_published_at=None
    )


@pytest.mark.usefixtures("staff_roles")
def test_clerk_enters_committee_awards_at_once_previews_and_scheduled_results_go_public(
    browsing, staff_user, draft_edition
):
    # The clerk enters the nomination; the category box offers only the edition's programme.
    staff_user("clerk")
    clerk = browsing.new_page()
    log_in(clerk, "clerk")
    clerk.goto("/admin/registry/nomination/add/")
    autocomplete(clerk, "Edition", "2026", "2026 Harbour Safety Awards")
    clerk.get_by_role("combobox", name="Category").click()
    clerk.locator(".select2-container--open").get_by_role("searchbox").fill("partnership")
    expect(clerk.get_by_role("option", name="Port Partnership Award — Harbour Safety Awards")).to_be_visible()
    expect(clerk.get_by_role("option", name="Rail Partnership Award")).to_have_count(0)
    clerk.get_by_role("option", name="Port Partnership Award — Harbour Safety Awards").click()
    autocomplete(clerk, "Nominee", "harbourm", RECIPIENT)
    clerk.get_by_label("Citation").fill("For turning a busy port into a safe one.")
    browsing.step(clerk, "clerk fills in the nomination")
    clerk.get_by_role("button", name="Save", exact=True).click()
    expect_saved(clerk)
    nomination = Nomination.objects.get(nominee__name=RECIPIENT)
    assert nomination.status == Nomination.Status.SUBMITTED

    # The committee awards it straight from Submitted; the history has every step.
    staff_user("committee")
    committee = browsing.new_page()
    log_in(committee, "committee")
    committee.goto(f"/admin/registry/nomination/{nomination.pk}/change/")
    committee.get_by_label("Status").select_option(label="Awarded")
    committee.get_by_role("button", name="Save and continue editing").click()
    expect_saved(committee)
    browsing.step(committee, "committee awarded it in one step")
    reasons = nomination.history.filter(history_change_reason__startswith="Status:").order_by("history_id")
    assert [row.history_change_reason for row in reasons] == [
        "Status: In review",
        "Status: Shortlisted",
        "Status: Awarded",
    ]

    # … and previews the edition from its change page: bannered, with the award.
    committee.goto(f"/admin/registry/edition/{draft_edition.pk}/change/")
    committee.get_by_role("link", name="Preview (not public)").click()
    expect(committee.get_by_text("Preview — not public")).to_be_visible()
    expect(committee.get_by_role("region", name="Port Partnership Award")).to_contain_text(RECIPIENT)
    committee.get_by_role("link", name="Port Partnership Award").click()
    expect(committee.locator("main")).to_contain_text("For turning a busy port into a safe one.")
    expect(committee.get_by_text("Preview — not public")).to_be_visible()
    browsing.step(committee, "committee previews the category page")
    visitor = browsing.new_page()
    assert status_of(visitor, EDITION_URL) == 404

    # An editor schedules the results a few seconds ahead.
    staff_user("editor")
    editor = browsing.new_page()
    log_in(editor, "editor")
    editor.goto(f"/admin/registry/edition/{draft_edition.pk}/change/")
    at = timezone.now().replace(microsecond=0) + SCHEDULE_AHEAD
    type_publication_time(editor, at)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect_saved(editor)
    expect(editor.locator("#result_list")).to_contain_text("Scheduled for")
    draft_edition.refresh_from_db()
    assert draft_edition.results_published_at == at  # typed in Mexico City, stored in UTC
    browsing.step(editor, "editor scheduled the results")
    assert status_of(visitor, EDITION_URL) == 404

    # Once that time has come, the public edition page shows the award, with no banner.
    wait_until_public(visitor, EDITION_URL, at)
    expect(visitor.get_by_role("region", name="Port Partnership Award")).to_contain_text(RECIPIENT)
    expect(visitor.get_by_text("Preview — not public")).to_have_count(0)
    browsing.step(visitor, "the scheduled results are public")
