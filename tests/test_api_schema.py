"""The OpenAPI document at /api/schema/ and the docs page at /api/docs/."""

import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

RESOURCES = ["programs", "categories", "editions", "awards", "recipients", "ceremonies", "announcements"]


@pytest.fixture
def openapi(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(openapi):
    assert openapi["openapi"].startswith("3.")
    validate_schema(openapi)  # raises on any violation of the OpenAPI 3 meta-schema


def test_schema_has_a_list_and_a_detail_for_every_resource_and_nothing_else(openapi):
    expected = {f"/api/v1/{r}/" for r in RESOURCES} | {f"/api/v1/{r}/{{id}}/" for r in RESOURCES}
    assert set(openapi["paths"]) == expected
    assert all(set(operations) == {"get"} for operations in openapi["paths"].values())


def test_every_operation_documents_its_errors(openapi):
    for path, operations in openapi["paths"].items():
        responses = operations["get"]["responses"]
        is_list = not path.endswith("{id}/")
        expected = {"200", "404", "429"} | ({"400"} if is_list else set())
        assert set(responses) == expected, path
        for code in expected - {"200"}:
            assert set(responses[code]["content"]) == {"application/json"}, (path, code)
        assert ("text/csv" in responses["200"]["content"]) is is_list, path


def test_award_filters_and_ordering_are_documented(openapi):
    parameters = {p["name"]: p for p in openapi["paths"]["/api/v1/awards/"]["get"]["parameters"]}
    assert {"q", "program", "year", "year_min", "year_max", "category", "country", "kind"} <= set(parameters)
    assert {"ordering", "page", "page_size", "format"} <= set(parameters)
    assert {"year", "-year", "category", "recipient", "published_at", "-published_at"} <= set(
        parameters["ordering"]["schema"]["items"]["enum"]
    )


def test_no_internal_field_is_documented(openapi):
    text = str(openapi)
    for internal in ("justification", "nominated_by", "created_by", "status"):
        assert internal not in text


def test_docs_page_loads_every_asset_from_this_server(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/"), asset  # no CDN, no other host
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
    script = client.get("/api/docs/?script")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_the_schema_is_generated_once_and_revalidated_by_its_etag(client, settings):
    settings.API_ANON_RATE = "4/minute"
    first = client.get("/api/schema/?format=json")
    again = client.get("/api/schema/?format=json")
    not_modified = client.get("/api/schema/?format=json", headers={"if-none-match": first["ETag"]})
    posted = client.post("/api/schema/?format=json")
    refused = client.get("/api/schema/?format=json")

    assert first.status_code == again.status_code == 200 and first["ETag"]
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert again["ETag"] == first["ETag"] and not_modified.status_code == 304
    assert posted.status_code == 405  # only GET and HEAD are answered from memory
    assert refused.status_code == 429  # answers from memory count against the rate limit too
