"""`manage.py generate_data`: deterministic, fictional, the counts it promises, and safe to run."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from registry.models import Announcement, Ceremony, Edition, Nomination, Nominee, Program
from tests.factories import CeremonyFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def generate(awards=30, seed=1, **options):
    call_command("generate_data", awards=awards, seed=seed, verbosity=0, **options)


def fingerprint() -> list[tuple]:
    """Everything that makes the data what it is, without database ids or timestamps."""
    return sorted(
        Nomination.objects.values_list(
            "edition__program__slug",
            "edition__year",
            "category__slug",
            "nominee__slug",
            "nominee__name",
            "status",
            "citation",
        )
    )


def generated_and_rolled_back(**options) -> list[tuple]:
    with transaction.atomic():
        generate(**options)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = generated_and_rolled_back(seed=7)
    again = generated_and_rolled_back(seed=7)
    other = generated_and_rolled_back(seed=8)

    assert first == again
    assert first != other


def test_generates_n_public_awards_and_four_non_public_nominations_each():
    generate(awards=1500)  # just over one programme's worth

    assert Nomination.objects.public().count() == 1500
    assert Nomination.objects.count() == 1500 * 5
    assert Program.objects.count() == 2
    assert Nominee.objects.recipients().exists()


def test_everything_it_marks_public_is_public_and_nothing_else_leaks():
    generate(awards=60)

    awarded_public = Nomination.objects.filter(
        status=Nomination.Status.AWARDED, edition__results_published_at__year__lt=2099
    )
    assert set(awarded_public) == set(Nomination.objects.public())
    assert all(n.citation for n in Nomination.objects.public())
    assert not Nomination.objects.public().filter(edition__year=2025).exists()
    assert Edition.objects.published().count() == 24
    assert Announcement.objects.published().count() == 24  # one per published edition, not the draft
    assert Ceremony.objects.public().count() == 25


def test_everything_it_writes_is_labelled_synthetic():
    generate(awards=10)

    assert not Program.objects.exclude(slug__startswith="synthetic-").exists()
    assert not Nominee.objects.exclude(slug__startswith="synthetic-").exists()
    assert all(p.description.startswith("Fictional") for p in Program.objects.all())


def test_refuses_a_database_with_real_data_unless_forced():
    real = ProgramFactory(slug="ero-annual-awards")

    with pytest.raises(CommandError, match="real programmes"):
        generate(awards=5)
    assert Program.objects.count() == 1

    generate(awards=5, force=True)
    assert Program.objects.count() == 2
    assert Program.objects.get(pk=real.pk).slug == "ero-annual-awards"


def test_refuses_to_generate_twice_into_one_database():
    generate(awards=5)

    with pytest.raises(CommandError, match="already here"):
        generate(awards=5)
    assert Nomination.objects.public().count() == 5


def test_a_failure_part_way_leaves_nothing_written():
    # A real row that happens to own a slug the generator needs: the ceremony insert fails
    # after affiliations, nominees and the first programme's categories were written.
    CeremonyFactory(slug="synthetic-benchmark-awards-001-2001-ceremony")

    with pytest.raises(IntegrityError):
        generate(awards=5, force=True)

    assert not Nominee.objects.filter(slug__startswith="synthetic-").exists()
    assert not Program.objects.filter(slug__startswith="synthetic-").exists()
    assert Program.objects.count() == 1
