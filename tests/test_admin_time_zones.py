"""Publication times in the admin: typed and read in the programme's time zone, stored in UTC."""

import datetime
import re

import pytest
from django.urls import reverse

from registry.models import Announcement, Ceremony, Edition, Program

from .factories import AnnouncementFactory, CeremonyFactory, EditionFactory, ProgramFactory
from .test_admin import change_url, edition_form

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
MEXICO_CITY = "America/Mexico_City"  # UTC-6 all year since 2022


@pytest.fixture
def editor(staff_client):
    return staff_client("editor")


def typed(field: str, day: str, time: str) -> dict:
    """The admin's split date and time inputs, as a person fills them in."""
    return {f"{field}_0": day, f"{field}_1": time}


def shown_time(page: str, field: str) -> str:
    return re.search(rf'name="{field}_1"[^>]*value="([^"]*)"', page).group(1)


def test_a_time_typed_in_the_programme_zone_is_stored_in_utc_and_shown_back_as_typed(editor):
    edition = EditionFactory(program__time_zone=MEXICO_CITY, results_published_at=None)

    data = edition_form(edition, **typed("results_published_at", "2030-03-10", "20:00:00"))
    assert editor.post(change_url(edition), data).status_code == 302

    edition.refresh_from_db()
    assert edition.results_published_at == datetime.datetime(2030, 3, 11, 2, 0, tzinfo=UTC)
    page = editor.get(change_url(edition)).content.decode()
    assert shown_time(page, "results_published_at") == "20:00:00"
    assert 'value="2030-03-10"' in page
    assert "Times in America/Mexico_City." in page
    assert "Scheduled for 2030-03-10 20:00 America/Mexico_City" in page  # the State line
    listing = editor.get(reverse("admin:registry_edition_changelist")).content.decode()
    assert "Scheduled for 2030-03-10 20:00 America/Mexico_City" in listing
    reason = edition.history.first().history_change_reason
    assert reason == "Scheduled for 2030-03-10 20:00 America/Mexico_City"


def test_a_new_edition_reads_the_time_in_the_zone_of_the_programme_chosen(editor):
    program = ProgramFactory(time_zone="Asia/Tokyo")
    page = editor.get(reverse("admin:registry_edition_add")).content.decode()
    assert "Times in the programme's time zone." in page

    data = {
        "program": program.pk,
        "year": 2030,
        "name": "",
        "nominations_open": "",
        "nominations_close": "",
        **typed("results_published_at", "2030-06-01", "09:00:00"),
    }
    assert editor.post(reverse("admin:registry_edition_add"), data).status_code == 302

    stored = Edition.objects.get(program=program).results_published_at
    assert stored == datetime.datetime(2030, 6, 1, 0, 0, tzinfo=UTC)


def test_programmes_default_to_utc_and_refuse_an_unknown_zone_with_a_clear_error(admin_client):
    program = ProgramFactory()
    assert program.time_zone == "UTC"
    form = {
        "name": program.name,
        "slug": program.slug,
        "conferred_by": program.conferred_by_id,
        "description": "",
        "website": "",
        "time_zone": "Mars/Olympus_Mons",
        "categories-TOTAL_FORMS": 0,
        "categories-INITIAL_FORMS": 0,
    }
    response = admin_client.post(change_url(program), form)
    assert response.status_code == 200
    assert "is not a known IANA time zone" in response.content.decode()
    assert Program.objects.get(pk=program.pk).time_zone == "UTC"

    assert admin_client.post(change_url(program), form | {"time_zone": MEXICO_CITY}).status_code == 302
    assert Program.objects.get(pk=program.pk).time_zone == MEXICO_CITY


def test_a_time_that_does_not_exist_in_the_zone_is_a_form_error(editor):
    edition = EditionFactory(program__time_zone="Europe/London", results_published_at=None)
    # Clocks in London go from 01:00 to 02:00 on the last Sunday of March.
    data = edition_form(edition, **typed("results_published_at", "2030-03-31", "01:30:00"))
    response = editor.post(change_url(edition), data)
    assert response.status_code == 200
    assert "couldn’t be interpreted in time zone Europe/London" in response.content.decode()
    edition.refresh_from_db()
    assert edition.results_published_at is None


def test_announcements_take_the_zone_of_their_editions_programme_and_utc_without_one(editor):
    edition = EditionFactory(program__time_zone=MEXICO_CITY)
    zoned = AnnouncementFactory(edition=edition, published_at=None)
    plain = AnnouncementFactory(published_at=None)

    for announcement in (zoned, plain):
        data = {
            "title": announcement.title,
            "slug": announcement.slug,
            "summary": "",
            "body": "",
            "source_url": "",
            "edition": announcement.edition_id or "",
            **typed("published_at", "2030-01-15", "20:00:00"),
        }
        assert editor.post(change_url(announcement), data).status_code == 302

    assert Announcement.objects.get(pk=zoned.pk).published_at == datetime.datetime(2030, 1, 16, 2, tzinfo=UTC)
    assert Announcement.objects.get(pk=plain.pk).published_at == datetime.datetime(
        2030, 1, 15, 20, tzinfo=UTC
    )
    assert "Times in America/Mexico_City." in editor.get(change_url(zoned)).content.decode()
    assert "Times in UTC." in editor.get(change_url(plain)).content.decode()
    listing = editor.get(reverse("admin:registry_announcement_changelist")).content.decode()
    assert "Scheduled for 2030-01-15 20:00 America/Mexico_City" in listing
    assert "Scheduled for 2030-01-15 20:00 UTC" in listing


def test_a_ceremony_is_announced_at_a_time_of_its_programmes_zone(editor):
    ceremony = CeremonyFactory(edition__program__time_zone=MEXICO_CITY)
    data = {
        "edition": ceremony.edition_id,
        "name": ceremony.name,
        "slug": ceremony.slug,
        "date": "2022-09-20",
        "start_time": "",
        "timezone": "",
        "venue": "",
        "city": "",
        "country": "",
        "description": "",
        **typed("announced_at", "2030-02-01", "08:00:00"),
    }
    assert editor.post(change_url(ceremony), data).status_code == 302
    stored = Ceremony.objects.get(pk=ceremony.pk).announced_at
    assert stored == datetime.datetime(2030, 2, 1, 14, tzinfo=UTC)
    assert "Times in America/Mexico_City." in editor.get(change_url(ceremony)).content.decode()


def test_publishing_now_confirms_the_time_in_each_programmes_zone(editor):
    mexican = EditionFactory.create_batch(2, program__time_zone=MEXICO_CITY, results_published_at=None)
    tokyo = EditionFactory(program__time_zone="Asia/Tokyo", results_published_at=None)
    mexican[1].program = mexican[0].program
    mexican[1].save()

    response = editor.post(
        reverse("admin:registry_edition_changelist"),
        {"action": "publish_now", "_selected_action": [e.pk for e in [*mexican, tokyo]]},
        follow=True,
    )

    shown = [str(message) for message in response.context["messages"]]
    assert any(re.fullmatch(r"2 editions: Published \S+ \S+ America/Mexico_City\.", m) for m in shown), shown
    assert any(re.fullmatch(r"1 edition: Published \S+ \S+ Asia/Tokyo\.", m) for m in shown), shown


def test_the_history_shows_times_in_the_programme_zone(editor):
    edition = EditionFactory(program__time_zone=MEXICO_CITY, results_published_at=None)
    data = edition_form(edition, **typed("results_published_at", "2030-03-10", "20:00:00"))
    editor.post(change_url(edition), data)
    history = editor.get(reverse("admin:registry_edition_history", args=[edition.pk])).content.decode()
    assert "2030-03-10 20:00 America/Mexico_City" in history
    assert "+00:00" not in history


def test_the_editions_and_announcements_lists_run_a_constant_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    for index in range(30):
        edition = EditionFactory(program__time_zone=MEXICO_CITY if index % 2 else "Asia/Tokyo")
        AnnouncementFactory(edition=edition if index % 3 else None)
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:registry_edition_changelist")).status_code == 200
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:registry_announcement_changelist")).status_code == 200
