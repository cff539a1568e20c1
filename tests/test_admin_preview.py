"""Staff preview of the public pages of an edition whose results are not public yet: bannered,
private, never kept by the public cache, never shown to anyone but staff."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Nomination

from .factories import (
    AchievementFactory,
    AwardFactory,
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db
PUBLIC_EDITION = "/programs/harbour-safety-awards/2026/"
PUBLIC_AWARD = PUBLIC_EDITION + "port-partnership-award/"


@pytest.fixture
def draft():
    """A draft edition with an award in each of two categories, and a nomination not awarded."""
    program = ProgramFactory(name="Harbour Safety Awards", slug="harbour-safety-awards")
    port = CategoryFactory(program=program, name="Port Partnership Award", slug="port-partnership-award")
    rescue = CategoryFactory(program=program, name="Sea Rescue Award", slug="sea-rescue-award")
    edition = EditionFactory(program=program, year=2026, results_published_at=None)
    award = AwardFactory(
        edition=edition, category=port, nominee__name="Alex Harbourmaster", citation="For a safe port."
    )
    AchievementFactory(nomination=award, quantity=1200, description="port inspections led")
    AwardFactory(edition=edition, category=rescue, nominee__name="Robin Lifeboat")
    NominationFactory(edition=edition, category=port, nominee__name="Sam Hopeful")
    return edition


def preview(edition, category=None):
    if category is None:
        return reverse("admin:registry_edition_preview", args=[edition.pk])
    return reverse("admin:registry_edition_preview_category", args=[edition.pk, category])


def test_staff_see_the_edition_as_it_will_be_public_under_a_banner(staff_client, draft):
    response = staff_client("committee").get(preview(draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview — not public" in page and "Draft" in page
    assert '<meta name="robots" content="noindex">' in page
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"
    assert "Alex Harbourmaster" in page and "Robin Lifeboat" in page
    assert "Sam Hopeful" not in page  # not awarded: never public
    assert "Internal reasoning" not in page
    assert f'href="{preview(draft, "port-partnership-award")}"' in page  # its category, previewed
    assert f'href="{PUBLIC_AWARD}"' not in page


def test_a_category_page_is_previewed_with_its_citation_and_figures(staff_client, draft):
    response = staff_client("clerk").get(preview(draft, "port-partnership-award"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview — not public" in page and '<meta name="robots" content="noindex">' in page
    assert response["Cache-Control"] == "private, no-store"
    assert "Alex Harbourmaster" in page and "For a safe port." in page and "port inspections led" in page
    assert "Sam Hopeful" not in page and "Robin Lifeboat" not in page
    assert "application/ld+json" not in page  # the public page's structured data is not for a preview


def test_a_scheduled_edition_says_when_it_goes_public_in_its_programmes_time_zone(staff_client, draft):
    draft.program.time_zone = "America/Mexico_City"
    draft.program.save()
    draft.results_published_at = datetime.datetime(2030, 3, 11, 2, 0, tzinfo=datetime.UTC)
    draft.save()
    page = staff_client("editor").get(preview(draft)).content.decode()
    assert "Preview — not public" in page and "Alex Harbourmaster" in page
    assert "Scheduled for 2030-03-10 20:00 America/Mexico_City" in page


@pytest.mark.parametrize("category", [None, "port-partnership-award"])
def test_nobody_but_staff_gets_a_preview_and_it_is_never_kept_for_the_public(
    client, staff_client, django_user_model, draft, category
):
    staff = staff_client("committee")
    assert staff.get(preview(draft, category)).status_code == 200
    anonymous = client.__class__()
    response = anonymous.get(preview(draft, category))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    visitor = client.__class__()
    visitor.force_login(django_user_model.objects.create_user(username="visitor", password="pw"))
    assert visitor.get(preview(draft, category)).status_code == 302  # not staff
    for public in (PUBLIC_EDITION, PUBLIC_AWARD):
        response = anonymous.get(public)
        assert response.status_code == 404
        assert b"Alex Harbourmaster" not in response.content


def test_staff_who_may_not_view_editions_are_refused(client, django_user_model, draft):
    client.force_login(django_user_model.objects.create_user(username="intern", password="pw", is_staff=True))
    response = client.get(preview(draft))
    assert response.status_code == 403
    assert b"Alex Harbourmaster" not in response.content


def test_no_award_in_a_category_or_no_such_edition_is_a_404(staff_client, draft):
    client = staff_client("committee")
    assert client.get(preview(draft, "no-such-category")).status_code == 404
    assert client.get(reverse("admin:registry_edition_preview", args=[draft.pk + 1000])).status_code == 404


def test_a_preview_is_read_only(staff_client, draft):
    assert staff_client("committee").post(preview(draft)).status_code == 405


def test_a_published_edition_is_previewed_by_its_public_page(staff_client, draft):
    draft.results_published_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.save()
    client = staff_client("committee")
    assert client.get(preview(draft))["Location"] == PUBLIC_EDITION
    assert client.get(preview(draft, "port-partnership-award"))["Location"] == PUBLIC_AWARD


def test_the_change_form_leads_to_the_preview_until_published(staff_client, draft):
    client = staff_client("committee")
    page = client.get(reverse("admin:registry_edition_change", args=[draft.pk])).content.decode()
    assert f'<a href="{preview(draft)}" class="viewsitelink">Preview (not public)</a>' in page
    assert f'<a href="{preview(draft)}">Preview the public pages</a>' in page  # in "What becomes public"
    draft.results_published_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.save()
    page = client.get(reverse("admin:registry_edition_change", args=[draft.pk])).content.decode()
    assert "Preview (not public)" not in page and "Preview the public pages" not in page
    assert "View on site" in page


@pytest.mark.parametrize("per_category", [1, 12])
def test_preview_queries_do_not_grow_with_awards(
    staff_client, django_assert_max_num_queries, draft, per_category
):
    client = staff_client("committee")
    for category in draft.program.categories.all():
        AwardFactory.create_batch(per_category, edition=draft, category=category)
    assert Nomination.objects.public_when_published().filter(edition=draft).count() == 2 + 2 * per_category
    # session, user, permissions (2), the edition, its awards by category, ceremonies, news.
    with django_assert_max_num_queries(8):
        assert client.get(preview(draft)).status_code == 200
    # ... or the category's awards and their figures, and the news about them.
    with django_assert_max_num_queries(8):
        assert client.get(preview(draft, "port-partnership-award")).status_code == 200
