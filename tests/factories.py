"""factory_boy factories: the smallest valid rows, public or not as a test asks."""

import datetime

import factory
from django.utils import timezone

from registry.models import (
    Achievement,
    Announcement,
    Category,
    Ceremony,
    Edition,
    Nomination,
    Nominee,
    Organization,
    Presentation,
    Program,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Example Organisation {n}")
    slug = factory.Sequence(lambda n: f"example-organisation-{n}")
    country = "GB"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Example Awards {n}")
    slug = factory.Sequence(lambda n: f"example-awards-{n}")
    conferred_by = factory.SubFactory(OrganizationFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    position = factory.Sequence(lambda n: n)


class EditionFactory(factory.django.DjangoModelFactory):
    """A published edition unless `results_published_at` says otherwise."""

    class Meta:
        model = Edition

    program = factory.SubFactory(ProgramFactory)
    year = factory.Sequence(lambda n: 2000 + n % 100)
    results_published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class NomineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nominee

    name = factory.Sequence(lambda n: f"Nominee {n}")
    slug = factory.Sequence(lambda n: f"nominee-{n}")
    kind = Nominee.Kind.PERSON
    country = "FR"


class NominationFactory(factory.django.DjangoModelFactory):
    """A submitted nomination; `AwardFactory` for a public award."""

    class Meta:
        model = Nomination

    edition = factory.SubFactory(EditionFactory)
    category = factory.SubFactory(CategoryFactory, program=factory.SelfAttribute("..edition.program"))
    nominee = factory.SubFactory(NomineeFactory)
    citation = "For outstanding example work."
    justification = "Internal reasoning that must never be public."
    nominated_by = "Internal Nominator"


class AwardFactory(NominationFactory):
    status = Nomination.Status.AWARDED


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    nomination = factory.SubFactory(AwardFactory)
    quantity = 100
    description = "example things achieved"


class CeremonyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ceremony

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Ceremony {n}")
    slug = factory.Sequence(lambda n: f"ceremony-{n}")
    date = datetime.date(2022, 9, 20)
    venue = "Example Hall"
    city = "Example City"
    country = "GB"


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presentation

    nomination = factory.SubFactory(AwardFactory)
    ceremony = factory.SubFactory(CeremonyFactory, edition=factory.SelfAttribute("..nomination.edition"))
    presenter_name = "Example Presenter"
    presenter_title = "Example Title"


class AnnouncementFactory(factory.django.DjangoModelFactory):
    """A published announcement unless `published_at` says otherwise."""

    class Meta:
        model = Announcement

    title = factory.Sequence(lambda n: f"Announcement {n}")
    slug = factory.Sequence(lambda n: f"announcement-{n}")
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    summary = "An example announcement."
