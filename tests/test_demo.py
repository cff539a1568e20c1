"""`manage.py load_demo`: the seed record entered faithfully, and running it twice changes nothing."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from registry.models import Announcement, Ceremony, Edition, Nomination, Nominee

pytestmark = pytest.mark.django_db

SEED_SLUG = "jorge-dominguez-martinez-vertiz"


def snapshot():
    """Every row of every registry model (history included), as comparable tuples."""
    rows = {}
    for model in apps.get_app_config("registry").get_models():
        rows[model.__name__] = sorted(model.objects.values_list(), key=repr)
    return rows


def test_seed_record_is_loaded_faithfully():
    call_command("load_demo", verbosity=0)

    award = (
        Nomination.objects.public()
        .select_related(
            "edition__program__conferred_by", "category", "nominee__affiliation", "presentation__ceremony"
        )
        .get(nominee__slug=SEED_SLUG)
    )
    assert award.edition.year == 2021
    assert award.edition.program.name == "ERO Annual Awards"
    assert award.edition.program.conferred_by.short_name == "ICE ERO"
    assert award.edition.program.time_zone == "America/Mexico_City"  # where it was presented
    assert award.edition.results_published_at.date() == datetime.date(2022, 9, 28)
    assert award.category.name == "Exemplary Law Enforcement Partnership Award"
    assert award.nominee.name == "Jorge Dominguez Martinez Vertiz"
    assert award.nominee.title == "Director General"
    assert award.nominee.affiliation.name == "Interpol Mexico"
    assert award.nominee.country.code == "MX"
    assert [(a.quantity, a.description.split()[0]) for a in award.achievements.all()] == [
        (23100, "ERO-detained"),
        (474, "fugitive"),
        (52, "high-profile"),
    ]
    ceremony = award.presentation.ceremony
    assert ceremony.date == datetime.date(2022, 9, 20)
    assert ceremony.venue == "U.S. Embassy in Mexico City"
    assert (ceremony.city, ceremony.country.code) == ("Mexico City", "MX")
    assert award.presentation.presenter_name == "William McCafferty"
    assert "Assistant Attaché for Removal" in award.presentation.presenter_title

    announcement = Announcement.objects.published().get(related_awards=award)
    assert announcement.published_at.date() == datetime.date(2022, 9, 28)
    assert announcement.source_url.startswith("https://www.ice.gov")


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first


def test_demo_has_draft_scheduled_and_published_editions_and_hides_the_unpublished():
    call_command("load_demo", verbosity=0)
    states = {edition.publication_state for edition in Edition.objects.all()}
    assert states == {"draft", "scheduled", "published"}
    public = Nomination.objects.public()
    assert not public.filter(edition__results_published_at__isnull=True).exists()
    assert Nomination.objects.exclude(pk__in=public).exists()  # there is something to hide
    assert Ceremony.objects.public().upcoming().exists()  # the home page has an upcoming ceremony
    assert Announcement.objects.filter(published_at__isnull=True).exists()


def test_everything_invented_is_labelled_fictional():
    call_command("load_demo", verbosity=0)
    for nominee in Nominee.objects.exclude(slug=SEED_SLUG):
        assert "Fictional" in nominee.biography
    invented = Nomination.objects.exclude(nominee__slug=SEED_SLUG).exclude(citation="")
    assert all("ictional" in n.citation or "never be shown" in n.citation for n in invented)


def test_the_seed_announcement_names_its_source_once(client):
    call_command("load_demo", verbosity=0)
    announcement = Announcement.objects.get(source_url__startswith="https://www.ice.gov")
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert page.count("Source:") == 1
    assert 'Source: <a href="https://www.ice.gov/newsroom"' in page
