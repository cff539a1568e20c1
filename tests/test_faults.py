"""Faults: with the database unreachable the site answers 503 (a friendly page, no traceback);
with Redis unreachable it keeps serving and logs the cache errors instead of raising them."""

import socket
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import override_settings

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
