"""Faults: with the database unreachable the site answers 503 (a friendly page, no traceback);
with Redis unreachable it keeps serving, still limits the API per worker, and logs the outage
once instead of every failed call."""

import datetime
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache
from django.db import OperationalError, connections
from django.test import override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from awards_site.cache import Outage
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


def cache_log(caplog) -> list:
    return [record for record in caplog.records if record.name == "awards_site.cache"]


@pytest.mark.django_db
def test_redis_down_cache_calls_miss_and_log_the_outage_once_without_traceback(redis_down, caplog):
    cache.set("greeting", "hello", 60)

    assert cache.get("greeting") is None
    assert cache.get_or_set("answer", 42) == 42
    (outage,) = cache_log(caplog)
    assert outage.levelname == "WARNING"
    assert outage.getMessage().startswith("Cache unreachable: answering with misses")
    assert "ConnectionError" in outage.getMessage()
    assert outage.exc_info is None


@pytest.mark.django_db
def test_redis_down_the_api_is_still_rate_limited_and_the_outage_logged_once(
    client, redis_down, caplog, settings
):
    settings.API_ANON_RATE = "3/minute"
    AwardFactory()
    with time_machine.travel(datetime.datetime(2026, 1, 5, 12, 0, 10, tzinfo=datetime.UTC), tick=False):
        pages = [client.get("/awards/").status_code for _ in range(5)]
        api = [client.get("/api/v1/awards/").status_code for _ in range(5)]
        other_client = client.get("/api/v1/awards/", REMOTE_ADDR="203.0.113.5").status_code

    assert pages == [200] * 5
    assert api == [200, 200, 200, 429, 429]
    assert other_client == 200
    assert len(cache_log(caplog)) == 1  # one line for dozens of failed calls


def test_an_outage_is_logged_when_it_begins_once_an_interval_while_it_lasts_and_when_it_ends(
    caplog, settings
):
    settings.CACHE_OUTAGE_LOG_SECONDS = 60
    now = 1000.0
    outage = Outage(clock=lambda: now)
    error = RedisConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    outage.call_succeeded()  # all well: nothing to say
    for _ in range(150):  # a failed call every 0.5 s for 75 s
        outage.call_failed(error)
        now += 0.5
    outage.call_succeeded()
    outage.call_succeeded()

    assert [record.getMessage() for record in cache_log(caplog)] == [
        "Cache unreachable: answering with misses, API rate limit counted per worker: "
        "ConnectionError: Error 111 connecting to 127.0.0.1:6390. Connection refused.",
        "Cache still unreachable after 60 s, 121 calls failed: "
        "ConnectionError: Error 111 connecting to 127.0.0.1:6390. Connection refused.",
        "Cache back after 75 s, 150 calls failed meanwhile",
    ]
    assert all(record.exc_info is None for record in cache_log(caplog))


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


@contextmanager
def redis_server(port: int):
    """A throwaway redis-server on `port`, keeping nothing on disk."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server (apt-get install redis-server)"
)
def test_redis_going_away_and_coming_back_is_logged_once_each(caplog):
    port = closed_port()
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{port}/0")}):
        with redis_server(port):
            cache.set("greeting", "hello", 60)
        missed = [cache.get("greeting") for _ in range(20)]
        with redis_server(port):
            cache.set("greeting", "hello again", 60)
            assert cache.get("greeting") == "hello again"

    assert missed == [None] * 20
    went, came_back = (record.getMessage() for record in cache_log(caplog))
    assert went.startswith("Cache unreachable: ")
    assert came_back.startswith("Cache back after ")
    assert came_back.endswith(", 20 calls failed meanwhile")
