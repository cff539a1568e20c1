"""Faults: with the database unreachable the site answers 503 (a friendly page, no traceback);
with Redis unreachable it keeps serving and logs the cache errors instead of raising them."""

import socket
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections
from django.test import override_settings
from django.urls import reverse

from awards_site.settings import redis_cache
from tests.factories import AwardFactory


def closed_port() -> int:
    """A local TCP port nothing listens on: connections to it are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_down(tmp_path):
    """Point the default connection at a database that cannot be reached, then restore it.

    The live connection is set aside (not closed) so the test database, even SQLite in memory,
    is intact afterwards.
    """
    conn = connections["default"]
    saved_settings, saved_connection = dict(conn.settings_dict), conn.connection
    conn.connection = None
    if conn.vendor == "sqlite":
        conn.settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    else:
        conn.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        if conn.connection is not None:
            conn.connection.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(saved_settings)
        conn.connection = saved_connection


@pytest.mark.django_db(transaction=True)
def test_database_down_gives_public_pages_a_friendly_503_without_traceback(client, tmp_path, caplog):
    award = AwardFactory()
    assert award.nominee.name in client.get("/awards/").content.decode()

    with database_down(tmp_path):
        page = client.get("/awards/")
        health = client.get("/healthz")
        api = client.get("/api/v1/awards/")

    html = page.content.decode()
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "We will be right back" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert health.status_code == 503
    assert health.json()["database"] == "unreachable"
    assert api.status_code == 503
    assert "temporarily unavailable" in api.json()["detail"]
    assert "Database unavailable" in caplog.text
    assert client.get("/awards/").status_code == 200  # back as soon as the database is


@pytest.mark.django_db(transaction=True)
def test_database_down_gives_the_csv_download_the_503_page_not_a_broken_file(client, tmp_path):
    award = AwardFactory()

    with database_down(tmp_path):
        response = client.get("/awards.csv")

    assert response.status_code == 503
    assert not response.streaming
    assert "We will be right back" in response.content.decode()
    csv_text = b"".join(client.get("/awards.csv").streaming_content).decode()
    assert award.nominee.name in csv_text  # back as soon as the database is


@contextmanager
def database_fails_on(sql_start: str):
    """The database connection breaks on the first statement that starts with `sql_start`."""

    def execute(execute, sql, params, many, context):
        if sql.startswith(sql_start):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(execute):
        yield


@pytest.mark.django_db
def test_database_failing_as_the_admin_export_reads_gives_a_503_not_a_broken_file(admin_client):
    AwardFactory()
    url = reverse("admin:registry_nomination_export", args=["csv"])

    # After the sign-in and the changelist's count: the export's own read of the nominations.
    with database_fails_on('SELECT "registry_nomination"."id"'):
        response = admin_client.get(url)

    assert response.status_code == 503
    assert not response.streaming
    assert "We will be right back" in response.content.decode()


@pytest.fixture
def redis_down():
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/5")}):
        yield


@pytest.mark.django_db
def test_redis_down_cache_calls_miss_and_log_instead_of_raising(redis_down, caplog):
    cache.set("greeting", "hello", 60)

    assert cache.get("greeting") is None
    assert cache.get_or_set("answer", 42) == 42
    assert any(record.name == "awards_site.cache" for record in caplog.records)


@pytest.mark.django_db
def test_redis_down_the_site_still_serves(client, redis_down):
    award = AwardFactory()

    assert client.get("/healthz").status_code == 200
    assert award.nominee.name in client.get("/awards/").content.decode()
    assert client.get("/api/v1/awards/").json()["count"] == 1


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_redis_up_the_same_configuration_caches():
    with override_settings(CACHES={"default": redis_cache("redis://127.0.0.1:6379/5")}):
        cache.set("greeting", "hello", 60)
        try:
            assert cache.get("greeting") == "hello"
        finally:
            cache.delete("greeting")
