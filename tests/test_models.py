"""The one visibility rule and the invariants the database and models hold."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from registry.models import (
    Announcement,
    Ceremony,
    Edition,
    Nomination,
    Nominee,
    Organization,
    Program,
    web_url,
)

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
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


def public_ids():
    return set(Nomination.objects.public().values_list("id", flat=True))


class TestVisibilityRule:
    def test_award_in_published_edition_is_public(self):
        award = AwardFactory()
        assert public_ids() == {award.id}

    def test_award_in_draft_edition_is_not_public(self):
        AwardFactory(edition__results_published_at=None)
        assert public_ids() == set()

    def test_award_in_scheduled_edition_is_not_public_until_its_time(self):
        publish_at = timezone.now() + datetime.timedelta(hours=1)
        award = AwardFactory(edition__results_published_at=publish_at)
        assert public_ids() == set()
        assert set(Nomination.objects.public(now=publish_at).values_list("id", flat=True)) == {award.id}

    def test_award_published_a_second_ago_is_public(self):
        award = AwardFactory(edition__results_published_at=timezone.now() - datetime.timedelta(seconds=1))
        assert public_ids() == {award.id}

    @pytest.mark.parametrize(
        "status",
        [s for s in Nomination.Status if s != Nomination.Status.AWARDED],
    )
    def test_nomination_not_awarded_is_not_public_even_in_published_edition(self, status):
        NominationFactory(status=status)
        assert public_ids() == set()

    def test_recipients_are_nominees_with_a_public_award(self):
        winner = AwardFactory().nominee
        AwardFactory(edition__results_published_at=None)  # awarded, unpublished
        NominationFactory(status=Nomination.Status.NOT_SELECTED)
        NominationFactory(status=Nomination.Status.WITHDRAWN)
        assert list(Nominee.objects.recipients()) == [winner]

    def test_recipient_with_two_public_awards_is_listed_once(self):
        nominee = NomineeFactory()
        AwardFactory(nominee=nominee)
        AwardFactory(nominee=nominee)
        assert list(Nominee.objects.recipients()) == [nominee]

    def test_published_editions_exclude_draft_and_scheduled(self):
        live = EditionFactory()
        EditionFactory(results_published_at=None)
        EditionFactory(results_published_at=timezone.now() + datetime.timedelta(days=1))
        assert list(Edition.objects.published()) == [live]

    def test_announcements_published_exclude_draft_and_scheduled(self):
        live = AnnouncementFactory()
        AnnouncementFactory(published_at=None)
        AnnouncementFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))
        assert list(Announcement.objects.published()) == [live]

    def test_ceremony_is_public_with_published_results_or_once_announced(self):
        published = CeremonyFactory()
        draft_edition = EditionFactory(results_published_at=None)
        hidden = CeremonyFactory(edition=draft_edition)
        announced = CeremonyFactory(
            edition=draft_edition, announced_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        CeremonyFactory(edition=draft_edition, announced_at=timezone.now() + datetime.timedelta(days=1))
        assert set(Ceremony.objects.public()) == {published, announced}
        assert hidden not in Ceremony.objects.public()


class TestConstraints:
    def test_nomination_is_unique_per_edition_category_nominee(self):
        first = NominationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            NominationFactory(edition=first.edition, category=first.category, nominee=first.nominee)

    def test_edition_year_is_unique_per_program(self):
        edition = EditionFactory(year=2021)
        with pytest.raises(IntegrityError), transaction.atomic():
            EditionFactory(program=edition.program, year=2021)

    @pytest.mark.parametrize("year", [1899, 2101])
    def test_edition_year_out_of_range_is_refused_by_the_database(self, year):
        with pytest.raises(IntegrityError), transaction.atomic():
            EditionFactory(year=year)

    def test_nominations_cannot_close_before_they_open(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            EditionFactory(
                nominations_open=datetime.date(2021, 5, 1), nominations_close=datetime.date(2021, 4, 1)
            )

    def test_category_slug_is_unique_within_program_only(self):
        category = CategoryFactory(slug="bravery")
        CategoryFactory(slug="bravery")  # another programme: fine
        with pytest.raises(IntegrityError), transaction.atomic():
            CategoryFactory(program=category.program, slug="bravery")

    def test_category_max_awards_must_be_positive(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CategoryFactory(max_awards=0)

    def test_achievement_quantity_cannot_be_negative(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            AchievementFactory(quantity=-1)

    def test_nomination_status_must_be_a_known_status(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            NominationFactory(status="maybe")

    def test_nominee_kind_must_be_a_known_kind(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            NomineeFactory(kind="alien")

    @pytest.mark.parametrize(
        "url",
        ["javascript:alert(1)", "JavaScript:alert(1)", " https://x.test", "data:text/html,x", "ftp://x.test"],
    )
    @pytest.mark.parametrize(
        "factory, field",
        [(OrganizationFactory, "website"), (ProgramFactory, "website"), (AnnouncementFactory, "source_url")],
    )
    def test_a_url_that_is_not_http_or_https_is_refused_by_the_database(self, factory, field, url):
        with pytest.raises(IntegrityError), transaction.atomic():
            factory(**{field: url})

    @pytest.mark.parametrize("url", ["", "http://x.test/a", "https://x.test/", "HTTPS://X.TEST/"])
    def test_a_blank_or_http_or_https_url_is_stored(self, url):
        assert Program.objects.get(pk=ProgramFactory(website=url).pk).website == url


class TestValidation:
    def test_category_must_belong_to_the_editions_program(self):
        nomination = NominationFactory.build(
            edition=EditionFactory(), category=CategoryFactory(), nominee=NomineeFactory()
        )
        with pytest.raises(ValidationError) as excinfo:
            nomination.full_clean()
        assert "category" in excinfo.value.message_dict

    def test_new_nomination_in_inactive_category_is_refused(self):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program, is_active=False)
        nomination = NominationFactory.build(edition=edition, category=category, nominee=NomineeFactory())
        with pytest.raises(ValidationError) as excinfo:
            nomination.full_clean()
        assert "inactive" in str(excinfo.value)

    def test_a_final_status_cannot_be_left_when_edited(self):
        nomination = Nomination.objects.get(pk=NominationFactory(status=Nomination.Status.AWARDED).pk)
        nomination.status = Nomination.Status.IN_REVIEW
        with pytest.raises(ValidationError) as excinfo:
            nomination.full_clean()
        assert "status" in excinfo.value.message_dict

    @pytest.mark.parametrize("value", ["Q42", "Q1", "Q123456789"])
    def test_valid_wikidata_ids_are_accepted(self, value):
        NomineeFactory.build(wikidata_id=value).full_clean(exclude=["affiliation"])

    @pytest.mark.parametrize("value", ["42", "Q", "Q0", "q42", "P31", "Q42x"])
    def test_invalid_wikidata_ids_are_refused(self, value):
        for obj in (NomineeFactory.build(wikidata_id=value), OrganizationFactory.build(wikidata_id=value)):
            with pytest.raises(ValidationError) as excinfo:
                obj.full_clean()
            assert "wikidata_id" in excinfo.value.message_dict

    @pytest.mark.parametrize(
        "build, field, message",
        [
            (lambda **url: OrganizationFactory.build(**url), "website", "The website must start with"),
            (
                lambda **url: ProgramFactory.build(conferred_by=OrganizationFactory(), **url),
                "website",
                "The website must start with",
            ),
            (lambda **url: AnnouncementFactory.build(**url), "source_url", "The source URL must start with"),
        ],
    )
    def test_full_clean_reports_a_url_that_is_not_http_or_https(self, build, field, message):
        with pytest.raises(ValidationError) as invalid:
            build(**{field: "javascript:alert(1)"}).full_clean()  # not a URL to Django's validator
        assert field in invalid.value.message_dict
        with pytest.raises(ValidationError) as refused:
            build(**{field: "ftp://x.test/file"}).full_clean()  # a URL, but not a web page's
        assert message in str(refused.value)

    @pytest.mark.parametrize(
        "build",
        [
            lambda slug: ProgramFactory.build(slug=slug, conferred_by=OrganizationFactory()),
            lambda slug: CategoryFactory.build(slug=slug, program=ProgramFactory()),
            lambda slug: NomineeFactory.build(slug=slug, affiliation=None),
            lambda slug: CeremonyFactory.build(slug=slug, edition=EditionFactory()),
            lambda slug: AnnouncementFactory.build(slug=slug),
        ],
        ids=["program", "category", "nominee", "ceremony", "announcement"],
    )
    def test_a_slug_of_only_digits_is_refused_as_the_api_reads_it_as_an_id(self, build):
        with pytest.raises(ValidationError) as refused:
            build("2021").full_clean()
        assert refused.value.message_dict["slug"] == [
            "A slug cannot be only digits (it would read as an id); add a word, e.g. “awards-2021”."
        ]
        build("awards-2021").full_clean()
        build("2021-awards").full_clean()

    def test_unknown_ceremony_time_zone_is_refused(self):
        ceremony = CeremonyFactory.build(edition=EditionFactory(), timezone="Mars/Olympus_Mons")
        with pytest.raises(ValidationError) as excinfo:
            ceremony.full_clean()
        assert "timezone" in excinfo.value.message_dict

    def test_edition_name_defaults_to_year_and_program(self):
        edition = EditionFactory(year=2021, program__name="ERO Annual Awards")
        assert edition.name == "2021 ERO Annual Awards"

    def test_edition_publication_state(self):
        assert EditionFactory(results_published_at=None).publication_state == "draft"
        future = timezone.now() + datetime.timedelta(days=1)
        assert EditionFactory(results_published_at=future).publication_state == "scheduled"
        assert EditionFactory().publication_state == "published"


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://x.test/a", "https://x.test/a"),
        ("HTTP://x.test", "HTTP://x.test"),
        ("", ""),
        (None, ""),
        ("javascript:alert(1)", ""),
        ("\njavascript:alert(1)", ""),
        ("//x.test", ""),
        ("mailto:a@x.test", ""),
    ],
)
def test_web_url_passes_only_http_and_https(url, shown):
    assert web_url(url) == shown


def test_migration_blanks_stored_urls_the_constraints_refuse_and_keeps_the_rest(url_constraints_off):
    """Its data step runs before the constraints are added, in the same migration."""
    organization = OrganizationFactory(website="javascript:alert(1)")
    program = ProgramFactory(conferred_by=organization, website="HTTPS://example.test")
    announcement = AnnouncementFactory(source_url="ftp://example.test/release")
    stale = timezone.now() - datetime.timedelta(days=1)
    Organization.objects.update(updated_at=stale)
    loader = MigrationLoader(connection)
    key, migration = next((k, m) for k, m in loader.disk_migrations.items() if k[1].endswith("_url_schemes"))
    blank_other_schemes = migration.operations[0].code

    as_migrate_runs_it = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    blank_other_schemes(loader.project_state(key).apps, as_migrate_runs_it)

    organization.refresh_from_db()
    assert (organization.website, Program.objects.get(pk=program.pk).website) == ("", "HTTPS://example.test")
    assert organization.updated_at > stale  # an edit, like any other
    assert Announcement.objects.get(pk=announcement.pk).source_url == ""
