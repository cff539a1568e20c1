"""Read-replica routing: public reads on the replica, the admin and writes on the primary.

The "replica" alias is a test mirror of the default database (tests/settings.py), so both see
the same rows and the test can tell from each connection's query log where a read went.
Transactional tests, because a mirror is a second connection and sees only committed rows.
"""

import pytest
from django.db import connections, router
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards_site.db_routers import ReplicaRouter, _reads_from_replica
from registry.models import Nomination, Program
from tests.factories import AwardFactory, NominationFactory

pytestmark = pytest.mark.usefixtures("replica_router")
transactional = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_router():
    with override_settings(DATABASE_ROUTERS=["awards_site.db_routers.ReplicaRouter"]):
        yield


def sql(captured) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


@pytest.fixture
def capture():
    """Run a callable; return its result and the SQL the replica and the primary ran."""

    def run(action):
        with (
            CaptureQueriesContext(connections["replica"]) as replica,
            CaptureQueriesContext(connections["default"]) as primary,
        ):
            result = action()
        return result, sql(replica), sql(primary)

    return run


@transactional
@pytest.mark.parametrize("url", ["/awards/", "/api/v1/awards/"])
def test_public_get_requests_read_from_the_replica(capture, url):
    award = AwardFactory()

    response, replica, primary = capture(lambda: Client().get(url))

    assert award.nominee.name in response.content.decode()
    assert "registry_nomination" in replica
    assert "registry_nomination" not in primary


@transactional
def test_admin_requests_read_from_the_primary(capture, django_user_model):
    NominationFactory()
    staff = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(staff)

    response, replica, primary = capture(lambda: client.get(reverse("admin:registry_nomination_changelist")))

    assert response.status_code == 200
    assert replica == ""
    assert "registry_nomination" in primary


@transactional
def test_reads_outside_a_request_use_the_primary(capture):
    NominationFactory()

    count, replica, primary = capture(lambda: Nomination.objects.count())

    assert count == 1
    assert replica == ""
    assert "registry_nomination" in primary


@pytest.mark.django_db
def test_after_a_write_the_same_request_reads_its_own_write_from_the_primary():
    nomination = NominationFactory()
    token = _reads_from_replica.set(True)  # as ReplicaReadsMiddleware does for a public GET
    try:
        before = router.db_for_read(Program)
        Program.objects.filter(pk=nomination.edition.program_id).update(name="Renamed")
        after = router.db_for_read(Program)
    finally:
        _reads_from_replica.reset(token)

    assert (before, after) == ("replica", "default")


def test_migrations_run_only_on_the_primary():
    assert ReplicaRouter().allow_migrate("default", "registry") is True
    assert ReplicaRouter().allow_migrate("replica", "registry") is False
