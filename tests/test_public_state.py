"""The public-state token's invariant (registry/public_state.py): every write moves it.

Each test here fails if some write path leaves the token where it was, so that a stored answer
or a 304 would go on confirming a body the server no longer sends.
"""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from registry.models import (
    Achievement,
    Announcement,
    Category,
    Ceremony,
    DataVersion,
    Edition,
    Nomination,
    Nominee,
    Organization,
    Presentation,
    Program,
)
from registry.public_state import (
    install_write_triggers,
    missing_write_triggers,
    public_state,
    trigger_names,
    write_tables,
)

from .factories import (
    AchievementFactory,
    AnnouncementFactory,
    AwardFactory,
    EditionFactory,
    PresentationFactory,
)


def full_award():
    award = AwardFactory()
    AchievementFactory(nomination=award)
    PresentationFactory(nomination=award)
    return award


MODELS = {
    model._meta.db_table: model
    for model in apps.get_app_config("registry").get_models(include_auto_created=True)
}


def token() -> str:
    return public_state().token


@pytest.fixture
def graph(db):
    """One row in every table a public answer is made of."""
    award = full_award()
    AnnouncementFactory(edition=award.edition).related_awards.add(award)
    return award


def a_row(table: str) -> dict:
    """The columns of the table's first row, as the database holds them (generated ones aside)."""
    columns = [field.column for field in MODELS[table]._meta.concrete_fields]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} ORDER BY id LIMIT 1")
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_every_table_of_the_app_but_history_is_watched(db):
    tables = {
        table
        for table in connection.introspection.table_names()
        if table.startswith("registry_") and not table.startswith("registry_historical")
    }
    assert set(write_tables()) == tables - {DataVersion._meta.db_table}
    assert "registry_announcement_related_awards" in write_tables()  # many-to-many rows too


def test_every_watched_table_has_its_triggers(db):
    assert missing_write_triggers(connection) == []


def test_a_table_without_its_trigger_is_reported_and_its_writes_are_missed(graph):
    name = trigger_names("registry_achievement")["UPDATE"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {connection.ops.quote_name(name)} ON registry_achievement"
            if connection.vendor == "postgresql"
            else f"DROP TRIGGER {connection.ops.quote_name(name)}"
        )
    assert missing_write_triggers(connection) == [name]
    before = token()
    Achievement.objects.update(description="Changed behind the token's back")
    assert token() == before  # what the walk below would catch

    install_write_triggers(connection)
    assert missing_write_triggers(connection) == []


@pytest.mark.parametrize("table", write_tables())
def test_raw_sql_insert_update_and_delete_each_move_the_token(graph, table):
    row = a_row(table)
    quote = connection.ops.quote_name
    seen = {token()}
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit, which a test never reaches: the row can go and
        # come back.
        cursor.execute(f"DELETE FROM {quote(table)} WHERE id = %s", [row["id"]])
        seen.add(token())
        columns = ", ".join(map(quote, row))
        slots = ", ".join(["%s"] * len(row))
        cursor.execute(f"INSERT INTO {quote(table)} ({columns}) VALUES ({slots})", list(row.values()))
        seen.add(token())
        cursor.execute(f"UPDATE {quote(table)} SET id = id WHERE id = %s", [row["id"]])
        seen.add(token())
    assert len(seen) == 4


@pytest.mark.parametrize("table", write_tables())
def test_orm_save_update_bulk_create_and_raw_delete_each_move_the_token(graph, table):
    model = MODELS[table]
    instance = model.objects.order_by("pk").first()
    field = next(f.attname for f in model._meta.concrete_fields if not f.primary_key)
    seen = {token()}
    instance.save()
    seen.add(token())
    model.objects.filter(pk=instance.pk).update(**{field: F(field)})
    seen.add(token())
    model.objects.filter(pk=instance.pk)._raw_delete(model.objects.db)  # what the collector runs
    seen.add(token())
    model.objects.bulk_create([instance])
    seen.add(token())
    assert len(seen) == 5


def test_orm_deletes_of_every_kind_of_row_move_the_token(graph):
    seen = {token()}
    announcement = Announcement.objects.get()
    announcement.related_awards.clear()
    seen.add(token())
    for model in (Announcement, Presentation, Achievement, Nomination, Ceremony, Nominee, Category, Edition):
        model.objects.all().delete()
        seen.add(token())
    Program.objects.all().delete()
    seen.add(token())
    Organization.objects.all().delete()
    seen.add(token())
    assert len(seen) == 12


def test_a_migration_moves_the_token_and_restores_missing_triggers(graph):
    name = trigger_names("registry_nomination")["INSERT"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {connection.ops.quote_name(name)}"
            + (" ON registry_nomination" if connection.vendor == "postgresql" else "")
        )
    before = token()
    call_command("migrate", verbosity=0)  # nothing to apply: post_migrate still runs
    assert token() != before
    assert missing_write_triggers(connection) == []


def test_a_scheduled_publication_moves_the_token_with_nothing_written(db):
    at = timezone.now() + datetime.timedelta(hours=1)
    EditionFactory(results_published_at=at)
    before = public_state()
    assert before.next_publication == at
    with time_machine.travel(at + datetime.timedelta(seconds=1), tick=False):
        after = public_state()
    assert after.token != before.token
    assert after.last_modified == at


def test_last_modified_only_moves_forward(graph):
    before = public_state()
    Edition.objects.update(results_published_at=None)  # the newest publication goes away
    after = public_state()
    assert after.last_modified >= before.last_modified


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_on_postgresql_a_transaction_moves_the_version_once_at_commit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's deferred triggers")
    full_award()
    before = DataVersion.objects.get().number
    with transaction.atomic():
        award = Nomination.objects.get()
        for word in ("one", "two", "three"):
            Nomination.objects.filter(pk=award.pk).update(citation=word)
        Achievement.objects.all().delete()
        # Not yet committed: a reader elsewhere still sees the old version (and the old data).
        assert DataVersion.objects.using("replica").get().number == before
    assert DataVersion.objects.get().number == before + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_truncate_moves_the_token():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    full_award()
    before = token()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_achievement")
    assert token() != before
