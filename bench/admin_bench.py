"""Admin speed at 500,000 nominations and 100,000 nominees (figures in docs/performance.md).

Creates obviously fictional data with bulk_create in its own PostgreSQL database (once; later
runs reuse it), then times the nominations changelist, searches, filters, the change form and
the nominee autocomplete through the Django test client as a logged-in superuser, printing the
median of several runs in ms and the number of SQL queries.

    make bench-admin    # BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/awards_staff_bench
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/awards_staff_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from registry.models import Category, Edition, Nomination, Nominee, Organization, Program  # noqa: E402

NOMINEES = 100_000
NOMINATIONS = 500_000
BATCH = 5_000
RUNS = 7
TARGET_MS = 300
FIRST = ["Alder", "Brisk", "Corvin", "Dapple", "Ember", "Fennel", "Gorse", "Heron", "Ivo", "Juniper"]
CATEGORY_WORDS = [
    "Lantern",
    "Harbor",
    "Meridian",
    "Keystone",
    "Beacon",
    "Compass",
    "Summit",
    "Anchor",
    "Bridge",
]
CATEGORY_WORDS += [
    "Horizon",
    "Pioneer",
    "Sentinel",
    "Vanguard",
    "Tandem",
    "Northstar",
    "Keel",
    "Waypoint",
    "Lodestar",
]
SYLLABLES = ["quor", "lane", "vex", "mir", "tol", "dash", "ruun", "pell", "zan", "oki", "bram", "sil"]
STATUSES = Nomination.Status.values


def surname(n: int) -> str:
    a, b, c = n % 12, (n // 12) % 12, (n // 144) % 12
    return (SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize()


def create_data() -> None:
    if Nomination.objects.count() >= NOMINATIONS:
        return
    assert not Nomination.objects.exists(), "partial bench data: drop and recreate the bench database"
    started = time.perf_counter()
    org = Organization.objects.create(name="Fictional Benchmark Agency", slug="fictional-benchmark-agency")
    programs = Program.objects.bulk_create(
        Program(name=f"Fictional Awards {p}", slug=f"fictional-awards-{p}", conferred_by=org)
        for p in range(5)
    )
    categories = {
        program.pk: Category.objects.bulk_create(
            Category(program=program, name=f"{CATEGORY_WORDS[c]} Award", slug=f"category-{c}", position=c)
            for c in range(18)
        )
        for program in programs
    }
    editions = {
        (program.pk, year): edition
        for program in programs
        for edition in Edition.objects.bulk_create(
            Edition(
                program=program, year=year, name=f"{year} {program.name}", results_published_at=timezone.now()
            )
            for year in range(2016, 2026)
        )
        for year in [edition.year]
    }
    nominee_ids = []
    for start in range(0, NOMINEES, BATCH):
        nominee_ids += [
            n.pk
            for n in Nominee.objects.bulk_create(
                Nominee(
                    name=f"{FIRST[i % 10]} {surname(i // 10)}", slug=f"fictional-nominee-{i}", country="GB"
                )
                for i in range(start, start + BATCH)
            )
        ]
    for start in range(0, NOMINATIONS, BATCH):
        batch = []
        for n in range(start, start + BATCH):
            i, k = n % NOMINEES, n // NOMINEES  # nominee i's k-th nomination: a different year each time
            program = programs[(i + k) % 5]
            batch.append(
                Nomination(
                    edition=editions[program.pk, 2016 + (2 * k + i) % 10],
                    category=categories[program.pk][(n * 7) % 18],
                    nominee_id=nominee_ids[i],
                    status=STATUSES[n % len(STATUSES)],
                    citation="A fictional citation for benchmarking.",
                )
            )
        Nomination.objects.bulk_create(batch)
        print(f"\r  {start + BATCH:,} nominations", end="", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"\n  data created in {time.perf_counter() - started:.0f} s")


def measure(client: Client, label: str, url: str) -> float:
    """Median ms of RUNS requests; also the best run, the SQL time of the last one and its query count."""
    response = client.get(url)  # warm-up (and a check that the page works)
    assert response.status_code == 200, (label, response.status_code)
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    verdict = "ok" if median < TARGET_MS else "SLOW"
    print(
        f"{label:<40} {median:7.1f} ms  best {min(timings):6.1f}  sql {sql_ms:5.1f} ms"
        f"  {len(queries):3d} queries  {verdict}"
    )
    return median


def main() -> None:
    call_command("migrate", verbosity=0)
    setup_test_environment()
    create_data()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    nomination = Nomination.objects.order_by("pk")[NOMINATIONS // 2]
    program = Program.objects.order_by("pk").first()
    category = program.categories.order_by("pk")[3]
    name = Nominee.objects.order_by("pk")[54_321].name
    base = "/admin/registry/nomination/"
    print(
        f"{Nomination.objects.count():,} nominations, {Nominee.objects.count():,} nominees; median of {RUNS}"
    )
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs: the figures are only as quiet as the machine")
    cases = [
        ("nominations changelist", base),
        ("changelist page 2,000", f"{base}?p=2000"),
        (f"search one nominee ({name})", f"{base}?q={name.replace(' ', '+')}"),
        (f"search a surname ({name.split()[1]})", f"{base}?q={name.split()[1]}"),
        (f"search a category word ({category.name.split()[0]})", f"{base}?q={category.name.split()[0]}"),
        ("filter status=awarded, year=2021", f"{base}?status__exact=awarded&year=2021"),
        (
            "filter programme + category",
            f"{base}?edition__program__id__exact={program.pk}&category={category.pk}",
        ),
        ("nomination change form", f"{base}{nomination.pk}/change/"),
        (
            "nominee autocomplete",
            "/admin/autocomplete/?app_label=registry&model_name=nomination&field_name=nominee&term="
            + name.split()[1][:5],
        ),
        ("nominees changelist", "/admin/registry/nominee/"),
        ("nominee search", f"/admin/registry/nominee/?q={name.split()[1]}"),
    ]
    slow = [label for label, url in cases if measure(client, label, url) >= TARGET_MS]
    print("all under" if not slow else f"{len(slow)} over", f"{TARGET_MS} ms")


if __name__ == "__main__":
    main()
