"""What staff read in the admin: counts in proper singular and plural, the site's own words
("Programme"), and statuses by their labels."""

import re

import pytest
from django.urls import reverse

from registry.imports import ImportReport
from registry.models import Nomination

from .factories import EditionFactory, NominationFactory
from .test_admin import change_url, run_action

pytestmark = pytest.mark.django_db
Status = Nomination.Status


def test_the_admin_says_programme_as_the_site_does(admin_client):
    edition = NominationFactory.create_batch(2)[0].edition  # two programmes: the filter shows
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Programmes" in index and "Programs" not in index
    form = admin_client.get(change_url(edition)).content.decode()
    assert "Programme:" in form and "Program:" not in form
    listing = admin_client.get(reverse("admin:registry_nomination_changelist")).content.decode()
    assert "By programme" in listing


def test_one_edition_published_is_one_edition(staff_client):
    edition = EditionFactory(results_published_at=None)
    response = staff_client("editor").post(
        reverse("admin:registry_edition_changelist"),
        {"action": "publish_now", "_selected_action": [edition.pk]},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("1 edition: Published ")


def test_bulk_action_reports_count_in_singular_and_plural(staff_client):
    client = staff_client("clerk")
    one = run_action(client, "mark_in_review", [NominationFactory()])
    assert "1 nomination sent to review (1 from Submitted)." in [str(m) for m in one.context["messages"]]
    again = run_action(client, "mark_in_review", NominationFactory.create_batch(2, status=Status.IN_REVIEW))
    assert "2 skipped: already in review." in [str(m) for m in again.context["messages"]]


def test_import_summary_counts_in_singular_and_plural():
    assert ImportReport(rows=1, created=1, nominees_created=1, skipped=[]).summary() == (
        "1 row: created 1 nomination and 1 new nominee; 0 already in the registry (left unchanged)."
    )
    assert ImportReport(rows=2, created=2, nominees_created=0, dry_run=True).summary() == (
        "2 rows: would create 2 nominations and 0 new nominees; 0 already in the registry (left unchanged)."
    )


def test_history_shows_status_labels_not_codes(staff_client):
    nomination = NominationFactory()
    client = staff_client("clerk")
    run_action(client, "mark_in_review", [nomination])
    page = client.get(reverse("admin:registry_nomination_history", args=[nomination.pk])).content.decode()
    assert re.search(r"Submitted\s*&nbsp;&rarr;&nbsp;&nbsp;In review", page)
    assert "in_review" not in page
