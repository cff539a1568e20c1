"""The OpenAPI document at /api/schema/ and the docs page at /api/docs/."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
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
    expected.add("/api/v1/programs/{id}/categories/{category}/")
    assert set(openapi["paths"]) == expected
    assert all(set(operations) == {"get"} for operations in openapi["paths"].values())


def operations(openapi):
    return [(path, operations["get"]) for path, operations in openapi["paths"].items()]


def test_every_operation_documents_its_errors_with_their_bodies(openapi):
    for path, operation in operations(openapi):
        responses = operation["responses"]
        assert set(responses) == {"200", "400", "404", "406", "429"}, path
        for code in ("400", "404", "406", "429"):
            assert set(responses[code]["content"]) == {"application/json"}, (path, code)
            assert len(responses[code]["description"].split()) >= 5, (path, code)
        assert "text/csv" in responses["200"]["content"], path
        bad_parameters = responses["400"]["content"]["application/json"]["schema"]["example"]
        assert list(bad_parameters) == ["programme"]
        assert bad_parameters["programme"][0].startswith("Unknown parameter; this address accepts "), path
        assert "format" in bad_parameters["programme"][0], path
        formats = responses["406"]["content"]["application/json"]["examples"]["Example"]["value"]
        assert formats == {"detail": "No such format here; this address answers format=json, format=csv."}


def test_every_parameter_has_a_sentence_and_the_filters_an_example(openapi):
    for path, operation in operations(openapi):
        for parameter in operation["parameters"]:
            description = parameter["description"].partition("\n\n*")[0]  # before a list of choices
            assert len(description.split()) >= 5 and description.endswith("."), (path, parameter)
            if parameter["name"] not in ("id", "cursor"):
                assert "example" in parameter, (path, parameter["name"])


def test_ids_are_described_as_the_resources_own_and_slugs_where_the_url_takes_them(openapi):
    def path_parameter(path, name="id"):
        [parameter] = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name]
        return parameter

    assert (
        path_parameter("/api/v1/awards/{id}/")["description"]
        == "The award's id: the last segment of its `url`."
    )
    assert path_parameter("/api/v1/awards/{id}/")["schema"] == {"type": "integer", "minimum": 1}
    program = path_parameter("/api/v1/programs/{id}/")
    assert program["description"] == "The programme's id, or its slug: digits alone are an id."
    assert program["example"] == "ero-annual-awards"
    assert "nomination" not in str(openapi["paths"])


def test_pagination_examples_are_this_servers_own_lists(openapi):
    text = str(openapi)
    assert "example.org" not in text and "accounts" not in text
    properties = openapi["components"]["schemas"]["PaginatedAwardList"]["properties"]
    assert properties["next"]["example"] == "http://testserver/api/v1/awards/?page=3"
    assert properties["previous"]["example"] == "http://testserver/api/v1/awards/"
    assert properties["count"]["example"] == 45


def test_every_example_answers_on_the_demo_data(client, openapi):
    call_command("load_demo", verbosity=0)
    for path, operation in operations(openapi):
        parameters = operation["parameters"]
        url = path
        for parameter in parameters:
            if parameter["in"] == "path" and "example" in parameter:
                url = url.replace(f"{{{parameter['name']}}}", str(parameter["example"]))
        if "{" in url:
            continue  # an award's id depends on the database: no example
        assert client.get(url).status_code == 200, url
        for parameter in parameters:
            name = parameter["name"]
            if parameter["in"] != "query" or name in ("page", "page_size", "cursor"):
                continue
            response = client.get(url, {name: parameter["example"]})
            assert response.status_code == 200, (url, name)
            if name != "format":  # a filter: its example finds the seed record
                assert response.json()["count"] >= 1, (url, name)


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
