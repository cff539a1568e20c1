"""A small sample for screenshots when `load_demo` is not available: the seed record of
SPEC §1 as its source states it, plus obviously fictional rows around it."""

import datetime

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


def create_sample():
    ero = Organization.objects.create(
        name="U.S. Immigration and Customs Enforcement — Enforcement and Removal Operations",
        slug="ice-ero",
        short_name="ERO",
        country="US",
    )
    interpol = Organization.objects.create(name="Interpol Mexico", slug="interpol-mexico", country="MX")
    program = Program.objects.create(
        name="ERO Annual Awards",
        slug="ero-annual-awards",
        conferred_by=ero,
        description="An annual awards series in 18 categories recognising exemplary work.",
    )
    partnership = Category.objects.create(
        program=program,
        name="Exemplary Law Enforcement Partnership Award",
        slug="exemplary-law-enforcement-partnership-award",
        position=1,
    )
    example = Category.objects.create(
        program=program, name="Example Category (demo)", slug="example-category", position=2
    )
    edition = Edition.objects.create(
        program=program,
        year=2021,
        results_published_at=datetime.datetime(2022, 9, 28, 12, tzinfo=datetime.UTC),
    )
    jorge = Nominee.objects.create(
        name="Jorge Dominguez Martinez Vertiz",
        slug="jorge-dominguez-martinez-vertiz",
        title="Director General",
        affiliation=interpol,
        country="MX",
    )
    award = Nomination.objects.create(
        edition=edition,
        category=partnership,
        nominee=jorge,
        status=Nomination.Status.AWARDED,
        citation="Recognised for leading Interpol Mexico's contributions to ERO Mexico City's Security "
        "Alliance for Fugitive Enforcement (SAFE), an information-sharing relationship with the "
        "Government of Mexico. The first law enforcement partner outside the U.S. to receive the award.",
    )
    for position, (quantity, description) in enumerate(
        [
            (23100, "ERO-detained cases vetted for arrest warrants"),
            (474, "fugitive arrests facilitated"),
            (52, "high-profile removals"),
        ]
    ):
        Achievement.objects.create(
            nomination=award, quantity=quantity, description=description, position=position
        )
    ceremony = Ceremony.objects.create(
        edition=edition,
        name="ERO Annual Awards presentation, Mexico City",
        slug="ero-annual-awards-2021-mexico-city",
        date=datetime.date(2022, 9, 20),
        venue="U.S. Embassy in Mexico City",
        city="Mexico City",
        country="MX",
    )
    Presentation.objects.create(
        nomination=award,
        ceremony=ceremony,
        presenter_name="William McCafferty",
        presenter_title="Mexico City ERO Assistant Attaché for Removal",
        remarks="Today, it is my honor to present this award to an amazing colleague who is working "
        "hard to make North America safer.",
    )
    news = Announcement.objects.create(
        title="ERO honours Interpol Mexico's Director General with partnership award",
        slug="ero-honours-interpol-mexico-director-general",
        published_at=datetime.datetime(2022, 9, 28, 12, tzinfo=datetime.UTC),
        summary="The 2021 Exemplary Law Enforcement Partnership Award was presented in Mexico City.",
        body="A summary in our own words of the agency's press release.",
        edition=edition,
    )
    news.related_awards.add(award)
    for i in range(1, 7):
        nominee = Nominee.objects.create(
            name=f"Demo Recipient {i} (fictional)", slug=f"demo-recipient-{i}", kind="person", country="FR"
        )
        Nomination.objects.create(
            edition=edition,
            category=example,
            nominee=nominee,
            status=Nomination.Status.AWARDED,
            citation="Fictional demo citation.",
        )
    Ceremony.objects.create(
        edition=edition,
        name="Demo ceremony (fictional)",
        slug="demo-ceremony",
        date=timezone.localdate() + datetime.timedelta(days=40),
        city="Example City",
        country="FR",
        announced_at=timezone.now(),
    )
