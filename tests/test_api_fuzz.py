"""Schemathesis over every API operation, in process against the WSGI app.

Valid and invalid inputs generated from the OpenAPI schema must never give a 5xx, and every
answer must be documented: its status code, content type and body schema.
"""

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from awards_site.wsgi import application

from .factories import (
    AchievementFactory,
    AnnouncementFactory,
    AwardFactory,
    CeremonyFactory,
    NominationFactory,
    OrganizationFactory,
    PresentationFactory,
)

# The schema the server publishes at /api/schema/, built without a request (tests/test_api_schema.py
# checks that the endpoint serves it); the cases then go through the whole WSGI stack.
schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
)
schema.app = application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_the_test_transaction_open():
    """Requests through the bare WSGI app would close the connection at their end, and with it the
    test's transaction; Django's own test client unhooks the same handler for the same reason."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def public_and_hidden_data(db, settings):
    """Rows for the ids the fuzzer guesses (small integers) to hit, public and not."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' WSGI host
    settings.API_ANON_RATE = "100000/minute"
    award = AwardFactory(nominee__affiliation=OrganizationFactory(), citation="=1+1 for CSV")
    AchievementFactory(nomination=award)
    PresentationFactory(nomination=award, ceremony=CeremonyFactory(edition=award.edition, start_time="10:00"))
    AwardFactory(nominee__affiliation=None)
    AnnouncementFactory(edition=award.edition).related_awards.add(award)
    AwardFactory(edition__results_published_at=timezone.now() + datetime.timedelta(days=1))
    NominationFactory()


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,  # the same cases on every run, so CI is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_its_schema_and_never_fails(case):
    case.call_and_validate(checks=CHECKS)
