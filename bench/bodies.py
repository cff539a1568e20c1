#!/usr/bin/env python3
"""Byte identity of the public answers across a change: save the bodies once, compare after.

    .venv/bin/python bench/bodies.py save     # before the change: bench/results/bodies/<database>/
    .venv/bin/python bench/bodies.py          # after: prints each URL whose body is not the same

Same process and settings as bench/timings.py (BENCH_DATABASE_URL or DATABASE_URL, default the
benchmark's PostgreSQL database, only read; stored responses off; a local-memory cache). The
URLs are picked from the database by fixed queries (an edition, a category, a recipient … that
have public awards), so they are the same as long as the data is. The benchmark's data has no
missing affiliation, presentation or figure; `seed` fills an empty SQLite database with such
awards for a second run:

    DATABASE_URL=sqlite:////tmp/bodies.sqlite3 .venv/bin/python bench/bodies.py seed
    DATABASE_URL=sqlite:////tmp/bodies.sqlite3 .venv/bin/python bench/bodies.py save
"""

import hashlib
import os
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
# This process's own cache: a shared one could answer a count or a body stored for another database.
os.environ.setdefault("REDIS_URL", "")
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402

from bench import timings  # noqa: E402,F401  (environment and django.setup(), as timings.py runs)
from registry.models import Announcement, Ceremony, Nomination, Nominee  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "bodies"


def sample_urls() -> list[str]:
    """The URLs compared: every surface that shows an award, on rows the database holds."""
    public = Nomination.objects.public()
    award = public.select_related("edition__program", "category", "nominee").order_by("-year", "id").first()
    program, year, category = award.edition.program.slug, award.year, award.category.slug
    presented = public.filter(presentation__isnull=False).order_by("id").first() or award
    unpresented = public.filter(presentation__isnull=True).order_by("id").first() or award
    recipient = (
        Nominee.objects.recipients()
        .annotate(n=Count("nominations"))
        .order_by("-n", "slug")
        .only("id", "slug")
        .first()
    )
    ceremony = Ceremony.objects.public().filter(presentations__isnull=False).order_by("slug").first()
    announcement = (
        Announcement.objects.published()
        .filter(Exists(public.filter(announcements=OuterRef("pk"))))
        .order_by("slug")
        .first()
    )
    word = award.nominee.name.split()[0][:4].lower()
    urls = [
        "/",
        "/awards/",
        f"/awards/?q={word}",
        "/awards/?page=2",
        f"/awards/?program={program}&year={year}&ordering=recipient",
        f"/programs/{program}/{year}/",
        f"/programs/{program}/categories/{category}/",
        f"/programs/{program}/{year}/{category}/",
        f"/recipients/{recipient.slug}/",
        f"/ceremonies/{ceremony.slug}/" if ceremony else None,
        f"/news/{announcement.slug}/" if announcement else None,
        "/api/v1/awards/",
        "/api/v1/awards/?page_size=100",
        f"/api/v1/awards/?program={program}&ordering=-published_at",
        f"/api/v1/awards/{presented.id}/",
        f"/api/v1/awards/{unpresented.id}/",
        f"/api/v1/editions/{award.edition_id}/",
        f"/api/v1/recipients/{recipient.id}/",
        "/api/schema/",
        "/feeds/awards.json",
        f"/feeds/awards.json?program={program}",
        "/feeds/awards.rss",
        "/feeds/awards.atom",
        "/ceremonies.ics",
        "/sitemap.xml",
        "/sitemap-awards.xml",
        # Meant to change shape (one CSV of the award): saved to compare by eye.
        "/api/v1/awards/?format=csv",
        f"/awards.csv?program={program}&year={year}",
    ]
    return [url for url in urls if url]


def body(client: Client, url: str) -> bytes:
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return f"{response.status_code}\n".encode() + content


def main(command: str) -> None:
    if command == "seed":
        return seed()
    folder = RESULTS / connection.settings_dict["NAME"].replace("/", "_")
    client, changed = Client(), []
    urls = sample_urls()
    if command == "save":
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "urls.txt").write_text("")
    for url in urls:
        path = folder / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".body")
        content = body(client, url)
        if command == "save":
            path.write_bytes(content)
            with (folder / "urls.txt").open("a") as index:
                index.write(f"{path.name} {url}\n")
        elif not path.exists() or path.read_bytes() != content:
            changed.append(url)
    if command == "save":
        print(f"saved {len(urls)} bodies in {folder}")
    else:
        for url in changed:
            print(f"CHANGED {url}")
        print(f"{len(urls) - len(changed)} of {len(urls)} identical ({folder})")


def seed() -> None:
    """Awards with what the benchmark's data lacks: no affiliation, title, country, presentation
    or figure; figures without a number; presenter's remarks; characters HTML escapes."""
    import datetime

    from django.core.management import call_command

    from tests.factories import (
        AchievementFactory,
        AnnouncementFactory,
        AwardFactory,
        CategoryFactory,
        EditionFactory,
        NomineeFactory,
        OrganizationFactory,
        PresentationFactory,
    )

    assert connection.vendor == "sqlite", "seed writes: only into a scratch SQLite database"
    call_command("migrate", verbosity=0)
    published = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)
    edition = EditionFactory(year=2023, results_published_at=published, program__name="Tom & Jerry <Awards>")
    categories = [
        CategoryFactory(program=edition.program, name=f'The "{n}" Prize', position=n) for n in (2, 1)
    ]
    older = EditionFactory(program=edition.program, year=2019, results_published_at=published)
    org = OrganizationFactory(name="Org & <Co>")
    variants = [
        {"title": "Director <General>", "affiliation": org, "country": "MX", "kind": "person"},
        {"title": "", "affiliation": org, "country": "", "kind": "organization"},
        {"title": "Chief", "affiliation": None, "country": "GB", "kind": "team"},
        {"title": "", "affiliation": None, "country": "", "kind": "person"},
    ]
    news = AnnouncementFactory(edition=edition)
    for i in range(30):
        nominee = NomineeFactory(name=f"Ana 'n' Bo {i:02}", **variants[i % 4])
        award = AwardFactory(
            edition=edition if i % 6 else older,
            category=categories[i % 2],
            nominee=nominee,
            citation="" if i % 5 == 0 else f"For work on\n\nline <{i}> & more.",
        )
        if i % 3:
            quantity = None if i % 2 else 1234567
            AchievementFactory(nomination=award, quantity=quantity, description="things & <b>")
            AchievementFactory(nomination=award, quantity=0, description="zero")
        if i % 4:
            PresentationFactory(
                nomination=award,
                presenter_name="" if i % 7 == 0 else "Pat <Presenter>",
                presenter_title="" if i % 3 == 0 else "Chair & Host",
                remarks="" if i % 2 else "We are proud & <happy>.",
                ceremony__venue="" if i % 5 == 1 else "Hall",
                ceremony__city="" if i % 5 == 2 else "City",
                ceremony__country="" if i % 5 == 3 else "GB",
            )
        if i % 5 == 0:
            news.related_awards.add(award)
    AwardFactory(edition=EditionFactory(program=edition.program, year=2099, results_published_at=None))
    print(f"seeded {Nomination.objects.public().count()} public awards")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "compare")
