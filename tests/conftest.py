import os
import re
from pathlib import Path

import pytest


def process_memos() -> dict:
    """Every process-wide memo of registry/ and awards_site/, by name, with how a test forgets it.

    tests/test_memos.py fails when the code holds a module- or class-level memo (an empty dict,
    list or set, an `lru_cache`) that is not named here. Instances such as `local_copies` and
    the shared cache are listed by hand: the check cannot see them.
    """
    from django.core.cache import cache

    from awards_site import cache as shared_cache
    from registry import award_json, clients, filters, sql
    from registry.api.throttling import AnonymousRateThrottle
    from registry.http_cache import local_copies

    def servers_answer_again():  # the Outage objects stay: live cache objects hold them
        for outage in shared_cache._outages.values():
            outage.call_succeeded()

    return {
        "django.core.cache.cache": cache.clear,  # local memory in tests, Redis if REDIS_URL is set
        "registry.http_cache.local_copies": local_copies.clear,
        "registry.sql._compiled": sql._compiled.clear,
        "registry.filters._countries": filters._countries.clear,
        "registry.award_json._compiled_classes": award_json._compiled_classes.clear,
        "registry.api.throttling.AnonymousRateThrottle.leases": AnonymousRateThrottle.forget_leases,
        "registry.api.throttling.AnonymousRateThrottle.local_counts": AnonymousRateThrottle.forget_leases,
        "awards_site.cache._outages": servers_answer_again,
        "registry.clients._networks": clients._networks.cache_clear,
    }


def forget_process_memos() -> None:
    for forget in dict.fromkeys(process_memos().values()):  # each once, in order
        forget()


@pytest.fixture(autouse=True)
def _fresh_process_memos(settings):
    """Each test starts with every process-wide memo empty, so nothing leaks between tests, and
    reads the public state afresh on every request (tests that exercise its reuse set the TTL)."""
    settings.PUBLIC_STATE_TTL = 0
    forget_process_memos()
    yield
    forget_process_memos()


@pytest.fixture(autouse=True)
def _writes_move_the_token_at_once(request):
    """On PostgreSQL the write triggers run at commit (registry/public_state.py), and a test's
    transaction never commits: make them run at the end of each statement instead."""
    if "_django_db_helper" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    from django.db import connection

    from registry.public_state import trigger_names, write_tables

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        names = [
            name
            for table in write_tables()
            for event, name in trigger_names(table).items()
            if event != "TRUNCATE"  # a plain trigger: it runs at once already
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(map(connection.ops.quote_name, names))} IMMEDIATE")


@pytest.fixture
def settle(db):
    """`settle()`: make the last write two (or `seconds`) seconds old, as if the test had waited.

    Last-Modified is only given once the second of the last change is over
    (`PublicState.http_last_modified`); tests of it settle their data instead of sleeping.
    """
    import datetime

    from registry.models import DataVersion

    def settle(seconds: float = 2):
        version = DataVersion.objects.get()
        older = version.changed_at - datetime.timedelta(seconds=seconds)
        DataVersion.objects.filter(pk=version.pk).update(changed_at=older)  # no trigger on this table

    return settle


@pytest.fixture
def url_constraints_off(db):
    """Rows may hold any URL, as if written before the `*_http_or_https` constraints (a dump
    restored without them): SQLite ignores CHECK constraints on this connection for the test;
    PostgreSQL drops them inside the test's transaction, whose rollback restores them."""
    from django.db import connection

    from registry.models import Announcement, Organization, Program

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            for model in (Organization, Program, Announcement):
                table = model._meta.db_table
                for constraint in model._meta.constraints:
                    if constraint.name.endswith("_http_or_https"):
                        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint.name}"')
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


# --- Staff roles: users in the groups created by migration 0003_roles ------------
ROLES = {"clerk": "Nomination clerk", "committee": "Awards committee", "editor": "Editor"}


@pytest.fixture
def staff_user(db, django_user_model):
    """`staff_user("clerk")`: a new staff user whose only rights come from the role's group."""
    from django.contrib.auth.models import Group

    def make(role: str):
        user = django_user_model.objects.create_user(username=role, password="pw", is_staff=True)
        user.groups.add(Group.objects.get(name=ROLES[role]))
        return user

    return make


@pytest.fixture
def staff_client(client, staff_user):
    """`staff_client("editor")`: the test client logged in as a new user of that role."""

    def make(role: str):
        client.force_login(staff_user(role))
        return client

    return make


# --- Browser tests: Debian's Chromium, driven by Playwright, against the live server ---
# One browser per session; each test opens its own contexts (own cookies) on `live_server`.
# docs/testing.md says how to run them. A failing test leaves a screenshot of each of its steps
# in artifacts/browser/<test>/.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, launched once. Skipped without it, unless REQUIRE_BROWSER=1 (CI)."""
    if not CHROMIUM.exists():
        message = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 and {message}", pytrace=False)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread. Django then takes the ORM
    # calls for async code: it refuses them, and looks for connections in a second, empty set
    # (opening a second connection to the same database). The tests stay synchronous, so allow
    # the calls and keep this thread's own connections.
    own_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            for alias, connection in own_connections.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            yield browser
            browser.close()


@pytest.fixture
def staff_roles(transactional_db):
    """The staff roles in a transactional test. Migration 0003_roles creates them, and the flush
    after every transactional test deletes them: run that migration's own function again."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    roles_migration = ("registry", "0003_roles")
    state = MigrationLoader(connection).project_state(roles_migration)
    import_module("registry.migrations.0003_roles").create_roles(state.apps, None)


class Browsing:
    """The browser windows of one test, each with its own cookies, and the steps it went through."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.steps: list[tuple[str, bytes]] = []

    def new_page(self, **context_options):
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": 1280, "height": 900}, **context_options
        )
        context.set_default_timeout(30_000)  # generous: CI machines can be loaded
        self.contexts.append(context)
        return context.new_page()

    def step(self, page, label: str) -> None:
        """Record what the page shows now; the pictures are written only if the test fails."""
        self.steps.append((label, page.screenshot(full_page=True)))

    def save_steps(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for path in folder.glob("*.png"):
            path.unlink()
        last = [("at failure", page.screenshot(full_page=True)) for c in self.contexts for page in c.pages]
        for number, (label, png) in enumerate(self.steps + last, start=1):
            name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            (folder / f"{number:02d}-{name}.png").write_bytes(png)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(request, chromium, live_server):
    """Fresh browser contexts on the live server; screenshots of the steps when the test fails."""
    session = Browsing(chromium, live_server.url)
    yield session
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        session.save_steps(BROWSER_ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name))
    session.close()
