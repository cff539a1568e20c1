"""Demo data: the seed announcement's record, and clearly fictional material around it.

The seed record (ERO Annual Awards, 2021) restates the facts of a real U.S. ICE press release of
2022-09-28 in our own words. Everything else is invented, labelled "fictional demo" in its name
or description, and names no real person or body.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import (
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

UTC = datetime.UTC
FICTIONAL = "Fictional demo data: this organisation, its programme and its people do not exist."

AWARDED = Nomination.Status.AWARDED


def _upsert(model, lookup: dict, **values):
    """Create the row, or bring it up to date; an unchanged row is not saved (nor its history)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
    elif all(getattr(obj, field) == value for field, value in values.items()):
        return obj
    else:
        for field, value in values.items():
            setattr(obj, field, value)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    return obj


def _award(*, edition, category, nominee, status=AWARDED, citation="", achievements=(), presentation=None):
    nomination = _upsert(
        Nomination,
        {"edition": edition, "category": category, "nominee": nominee},
        status=status,
        citation=citation,
    )
    for position, (quantity, description) in enumerate(achievements):
        _upsert(
            Achievement,
            {"nomination": nomination, "position": position},
            quantity=quantity,
            description=description,
        )
    if presentation:
        _upsert(Presentation, {"nomination": nomination}, **presentation)
    return nomination


def load_seed_record() -> Nomination:
    """ICE ERO's 2021 Exemplary Law Enforcement Partnership Award to Interpol Mexico's Director General."""
    ero = _upsert(
        Organization,
        {"slug": "ice-ero"},
        name="U.S. Immigration and Customs Enforcement — Enforcement and Removal Operations",
        short_name="ICE ERO",
        country="US",
        website="https://www.ice.gov",
    )
    interpol_mexico = _upsert(Organization, {"slug": "interpol-mexico"}, name="Interpol Mexico", country="MX")
    program = _upsert(
        Program,
        {"slug": "ero-annual-awards"},
        name="ERO Annual Awards",
        conferred_by=ero,
        time_zone="America/Mexico_City",  # where the seed award was presented
        description=(
            "ICE Enforcement and Removal Operations' yearly awards, given in 18 categories to people "
            "whose work shows the standards, values, effort and commitment to national security "
            "that ERO expects."
        ),
    )
    category = _upsert(
        Category,
        {"program": program, "slug": "exemplary-law-enforcement-partnership-award"},
        name="Exemplary Law Enforcement Partnership Award",
        description="Honours a law enforcement partner for an outstanding working relationship with ERO.",
    )
    edition = _upsert(
        Edition,
        {"program": program, "year": 2021},
        name="2021 ERO Annual Awards",
        results_published_at=datetime.datetime(2022, 9, 28, tzinfo=UTC),
    )
    nominee = _upsert(
        Nominee,
        {"slug": "jorge-dominguez-martinez-vertiz"},
        kind=Nominee.Kind.PERSON,
        name="Jorge Dominguez Martinez Vertiz",
        title="Director General",
        affiliation=interpol_mexico,
        country="MX",
    )
    ceremony = _upsert(
        Ceremony,
        {"slug": "ero-2021-partnership-award-mexico-city"},
        edition=edition,
        name="Presentation of the 2021 Exemplary Law Enforcement Partnership Award",
        date=datetime.date(2022, 9, 20),
        timezone="America/Mexico_City",
        venue="U.S. Embassy in Mexico City",
        city="Mexico City",
        country="MX",
        description="The award was handed over at the U.S. Embassy in Mexico City.",
    )
    award = _award(
        edition=edition,
        category=category,
        nominee=nominee,
        citation=(
            "For leading Interpol Mexico's part in the Security Alliance for Fugitive Enforcement "
            "(SAFE) run by ERO's Mexico City office: an information-sharing partnership with the "
            "Government of Mexico that helps ERO find, arrest and remove fugitives wanted on "
            "criminal warrants in Mexico. He is the first law enforcement partner from outside the "
            "United States to receive this award."
        ),
        achievements=[
            (23100, "ERO-detained cases vetted for arrest warrants (more than this many)"),
            (474, "fugitive arrests facilitated"),
            (52, "high-profile removals among those arrests"),
        ],
        presentation={
            "ceremony": ceremony,
            "presenter_name": "William McCafferty",
            "presenter_title": "Assistant Attaché for Removal, ERO Mexico City",
            "remarks": (
                "Today, it is my honor to present this award to an amazing colleague who is working "
                "hard to make North America safer."
            ),
        },
    )
    announcement = _upsert(
        Announcement,
        {"slug": "interpol-mexico-director-general-receives-2021-partnership-award"},
        title="Interpol Mexico's Director General receives ERO's 2021 partnership award",
        published_at=datetime.datetime(2022, 9, 28, tzinfo=UTC),
        summary=(
            "ICE ERO gave its 2021 Exemplary Law Enforcement Partnership Award to Jorge Dominguez "
            "Martinez Vertiz, Director General of Interpol Mexico, at the U.S. Embassy in Mexico City "
            "on 20 September 2022."
        ),
        body=(
            "The award is one of the 18 categories of the ERO Annual Awards. Dominguez Martinez is the "
            "first law enforcement partner based outside the United States to receive it.\n\n"
            "It recognises his leadership of Interpol Mexico's work in the Security Alliance for "
            "Fugitive Enforcement (SAFE), through which ERO's Mexico City office and the Government of "
            "Mexico share information to locate, arrest and remove fugitives wanted on criminal "
            "warrants in Mexico. Interpol Mexico has worked with SAFE since August 2018.\n\n"
            "In the last fiscal year, Interpol Mexico vetted more than 23,100 ERO-detained cases for "
            "arrest warrants and helped ERO make 474 fugitive arrests, 52 of them high-profile "
            "removals. William McCafferty, Assistant Attaché for Removal at ERO Mexico City, presented "
            "the award."
        ),  # the page names the source itself, from source_url
        source_url="https://www.ice.gov/newsroom",
        edition=edition,
    )
    if not announcement.related_awards.filter(pk=award.pk).exists():
        announcement.related_awards.add(award)
    return award


def load_fictional_programme(today: datetime.date) -> None:
    """An invented programme with published, scheduled and draft editions, so every page has content."""
    foundation = _upsert(
        Organization,
        {"slug": "example-civic-foundation"},
        name="Example Civic Foundation (fictional demo)",
        short_name="ECF",
        country="GB",
    )
    program = _upsert(
        Program,
        {"slug": "example-civic-awards"},
        name="Example Civic Awards",
        conferred_by=foundation,
        time_zone="Europe/London",
        description=f"An invented awards programme for volunteers and community groups. {FICTIONAL}",
    )
    categories = {
        slug: _upsert(
            Category,
            {"program": program, "slug": slug},
            name=name,
            position=position,
            max_awards=max_awards,
            description=f"{description} {FICTIONAL}",
        )
        for position, (slug, name, max_awards, description) in enumerate(
            [
                (
                    "community-builder",
                    "Community Builder Award",
                    None,
                    "For people who bring neighbours together.",
                ),
                ("young-innovator", "Young Innovator Award", 2, "For inventive projects by people under 25."),
                ("team-achievement", "Team Achievement Award", 1, "For a group whose joint work stood out."),
                ("lifetime-service", "Lifetime Service Award", 1, "For decades of service to a community."),
            ]
        )
    }
    orgs = {
        slug: _upsert(Organization, {"slug": slug}, name=name, country=country)
        for slug, name, country in [
            ("example-river-trust", "Example River Trust (fictional)", "GB"),
            ("sample-makers-guild", "Sample Makers Guild (fictional)", "FR"),
            ("placeholder-youth-league", "Placeholder Youth League (fictional)", "CA"),
        ]
    }
    people = {
        slug: _upsert(
            Nominee,
            {"slug": slug},
            name=name,
            kind=kind,
            title=title,
            affiliation=orgs.get(org),
            country=country,
            biography=FICTIONAL,
        )
        for slug, name, kind, title, org, country in [
            (
                "avery-example",
                "Avery Example",
                "person",
                "Volunteer Coordinator",
                "example-river-trust",
                "GB",
            ),
            ("jordan-sample", "Jordan Sample", "person", "Workshop Lead", "sample-makers-guild", "FR"),
            (
                "robin-placeholder",
                "Robin Placeholder",
                "person",
                "Youth Mentor",
                "placeholder-youth-league",
                "CA",
            ),
            ("camille-exemple", "Camille Exemplé", "person", "Founder", "sample-makers-guild", "FR"),
            ("riverside-volunteers", "Example Riverside Volunteers", "team", "", "example-river-trust", "GB"),
            ("sample-tool-library", "Sample Tool Library", "organization", "", None, "FR"),
            ("morgan-demo", "Morgan Demo", "person", "Retired Librarian", None, "CA"),
        ]
    }

    def edition(year, published_at):
        return _upsert(
            Edition,
            {"program": program, "year": year},
            name=f"{year} Example Civic Awards",
            results_published_at=published_at,
        )

    def ceremony(ed, slug, date, **extra):
        return _upsert(
            Ceremony,
            {"slug": slug},
            edition=ed,
            name=f"{ed.year} Example Civic Awards ceremony",
            date=date,
            venue="Example Town Hall (fictional)",
            city="Exampleton",
            country="GB",
            description=FICTIONAL,
            **extra,
        )

    year = today.year
    past = [year - 4, year - 3, year - 2]
    winners = [
        ("community-builder", "avery-example", [(1200, "volunteer hours organised")]),
        ("young-innovator", "camille-exemple", [(3, "repair cafés opened")]),
        ("team-achievement", "riverside-volunteers", [(14, "tonnes of litter cleared from the river")]),
        ("lifetime-service", "morgan-demo", [(40, "years running a reading club")]),
    ]
    for index, award_year in enumerate(past):
        published = datetime.datetime(award_year + 1, 3, 1, 18, tzinfo=UTC)
        ed = edition(award_year, published)
        cer = ceremony(
            ed,
            f"example-civic-awards-{award_year}-ceremony",
            datetime.date(award_year + 1, 3, 1),
            start_time=datetime.time(18, 30),
            timezone="Europe/London",
        )
        for offset, (category, person, figures) in enumerate(winners):
            if (index + offset) % 4 == 3:
                continue  # not every category is given every year
            _award(
                edition=ed,
                category=categories[category],
                nominee=people[person] if index == 0 else list(people.values())[(index * 2 + offset) % 7],
                citation=f"For invented, exemplary work in {award_year}. {FICTIONAL}",
                achievements=figures,
                presentation={
                    "ceremony": cer,
                    "presenter_name": "Pat Presenter (fictional)",
                    "presenter_title": "Chair, Example Civic Foundation",
                },
            )
        # Nominations that were not chosen: never public.
        _award(
            edition=ed,
            category=categories["young-innovator"],
            nominee=people["jordan-sample"],
            status=Nomination.Status.NOT_SELECTED,
            citation="Draft citation that must never be shown.",
        )

    # Scheduled: decided, embargoed until the ceremony evening; its ceremony is already announced.
    scheduled = edition(year - 1, datetime.datetime(year + 1, 3, 1, 20, tzinfo=UTC))
    ceremony(
        scheduled,
        f"example-civic-awards-{year - 1}-ceremony",
        datetime.date(year + 1, 3, 1),
        start_time=datetime.time(18, 30),
        timezone="Europe/London",
        announced_at=datetime.datetime(year, 1, 1, tzinfo=UTC),
    )
    _award(
        edition=scheduled,
        category=categories["community-builder"],
        nominee=people["robin-placeholder"],
        citation=f"Embargoed until the ceremony. {FICTIONAL}",
    )
    # Draft: nominations still in review.
    draft = edition(year, None)
    _award(
        edition=draft,
        category=categories["team-achievement"],
        nominee=people["sample-tool-library"],
        status=Nomination.Status.IN_REVIEW,
    )

    _upsert(
        Announcement,
        {"slug": f"example-civic-awards-{year - 2}-results"},
        title=f"{year - 2} Example Civic Awards announced (fictional demo)",
        published_at=datetime.datetime(year - 1, 3, 2, 9, tzinfo=UTC),
        summary=f"The invented Example Civic Foundation names its {year - 2} award recipients. {FICTIONAL}",
        body=FICTIONAL,
        edition=Edition.objects.get(program=program, year=year - 2),
    )
    _upsert(
        Announcement,
        {"slug": f"example-civic-awards-{year}-call-for-nominations"},
        title=f"{year} Example Civic Awards: call for nominations (fictional draft)",
        published_at=None,
        summary=f"A draft announcement: never public. {FICTIONAL}",
        body=FICTIONAL,
    )


def load_import_sample_programme() -> None:
    """What docs/samples/nominations.csv names, so a newcomer's first import (docs/import.md) works:
    an unpublished 2021 edition of a fictional programme, with its two categories."""
    program = _upsert(
        Program,
        {"slug": "example-awards"},
        name="Example Awards (fictional import sample)",
        conferred_by=Organization.objects.get(slug="example-civic-foundation"),
        description=f"Takes the nominations of docs/samples/nominations.csv. {FICTIONAL}",
    )
    for position, (slug, name) in enumerate(
        [("partnership", "Partnership Award"), ("innovation", "Innovation Award")]
    ):
        _upsert(
            Category, {"program": program, "slug": slug}, name=name, position=position, description=FICTIONAL
        )
    _upsert(
        Edition, {"program": program, "year": 2021}, name="2021 Example Awards", results_published_at=None
    )


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> Nomination:
    """Load the seed record, the fictional programme and the import sample's; running it again
    changes nothing."""
    seed_award = load_seed_record()
    load_fictional_programme(today or timezone.localdate())
    load_import_sample_programme()
    return seed_award
