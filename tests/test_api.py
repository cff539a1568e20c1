"""The public JSON API v1: shape, visibility, errors, caching, CORS, rate limit, CSV."""

import csv
import datetime
import io
import json

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.http import parse_http_date
from rest_framework import serializers
from rest_framework.request import Request

from registry.award_json import AwardSerializer, RowSerializer
from registry.awards import award_rows
from registry.exports import AWARD_CSV_COLUMNS
from registry.models import DataVersion, Edition, Nomination

from .factories import (
    AchievementFactory,
    AnnouncementFactory,
    AwardFactory,
    CategoryFactory,
    CeremonyFactory,
    EditionFactory,
    NominationFactory,
    NomineeFactory,
    OrganizationFactory,
    PresentationFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = ["programs", "categories", "editions", "awards", "recipients", "ceremonies", "announcements"]
SECRET = "Internal reasoning that must never be public."


@pytest.fixture(autouse=True)
def api_settings_for_tests(settings):
    """Most tests send many requests (the rate-limit tests set their own, small, limit), and
    change data between two requests in the same second (the reuse tests set their own TTL)."""
    settings.API_ANON_RATE = "10000/minute"
    settings.PUBLIC_STATE_TTL = 0


@pytest.fixture
def seed_award():
    """The seed record's award: affiliation abroad, figures, a ceremony and a presenter."""
    interpol = OrganizationFactory(name="Interpol Mexico", slug="interpol-mexico", country="MX")
    award = AwardFactory(
        edition__program__name="ERO Annual Awards",
        edition__program__slug="ero-annual-awards",
        edition__year=2021,
        edition__results_published_at=datetime.datetime(2022, 9, 28, 12, 0, tzinfo=datetime.UTC),
        category__name="Exemplary Law Enforcement Partnership Award",
        category__slug="exemplary-law-enforcement-partnership-award",
        nominee__name="Jorge Dominguez Martinez Vertiz",
        nominee__slug="jorge-dominguez-martinez-vertiz",
        nominee__title="Director General",
        nominee__affiliation=interpol,
        nominee__country="MX",
        citation="For an exemplary partnership.",
    )
    AchievementFactory(nomination=award, quantity=23100, description="cases vetted", position=1)
    AchievementFactory(nomination=award, quantity=474, description="fugitive arrests facilitated", position=2)
    ceremony = CeremonyFactory(
        edition=award.edition,
        name="Award ceremony",
        slug="award-ceremony-2022",
        date=datetime.date(2022, 9, 20),
        venue="U.S. Embassy in Mexico City",
        city="Mexico City",
        country="MX",
    )
    PresentationFactory(
        nomination=award, ceremony=ceremony, presenter_name="William McCafferty", presenter_title="Envoy"
    )
    return award


def a_public_object_of_each_resource():
    award = AwardFactory()
    AnnouncementFactory(edition=award.edition).related_awards.add(award)
    CeremonyFactory(edition=award.edition)
    return {
        "programs": award.edition.program_id,
        "categories": award.category_id,
        "editions": award.edition_id,
        "awards": award.id,
        "recipients": award.nominee_id,
        "ceremonies": award.edition.ceremonies.get().id,
        "announcements": award.announcements.get().id,
    }


class TestAwardRepresentation:
    def test_award_has_the_shape_of_spec_section_6(self, client, seed_award):
        body = client.get(f"/api/v1/awards/{seed_award.id}/").json()

        assert body == {
            "id": seed_award.id,
            "url": f"http://testserver/api/v1/awards/{seed_award.id}/",
            "page_url": "http://testserver/programs/ero-annual-awards/2021/exemplary-law-enforcement-partnership-award/",
            "program": {"slug": "ero-annual-awards", "name": "ERO Annual Awards"},
            "year": 2021,
            "category": {
                "slug": "exemplary-law-enforcement-partnership-award",
                "name": "Exemplary Law Enforcement Partnership Award",
            },
            "recipient": {
                "slug": "jorge-dominguez-martinez-vertiz",
                "name": "Jorge Dominguez Martinez Vertiz",
                "kind": "person",
                "title": "Director General",
                "affiliation": "Interpol Mexico",
                "country": "MX",
            },
            "citation": "For an exemplary partnership.",
            "achievements": [
                {"quantity": 23100, "description": "cases vetted"},
                {"quantity": 474, "description": "fugitive arrests facilitated"},
            ],
            "ceremony": {
                "slug": "award-ceremony-2022",
                "name": "Award ceremony",
                "date": "2022-09-20",
                "venue": "U.S. Embassy in Mexico City",
                "city": "Mexico City",
                "country": "MX",
            },
            "presented_by": {"name": "William McCafferty", "title": "Envoy"},
            "published_at": "2022-09-28T12:00:00Z",
        }

    def test_award_without_presentation_or_affiliation_has_nulls(self, client):
        award = AwardFactory(nominee__affiliation=None)
        body = client.get(f"/api/v1/awards/{award.id}/").json()
        assert (body["ceremony"], body["presented_by"], body["recipient"]["affiliation"]) == (
            None,
            None,
            None,
        )
        assert body["achievements"] == []

    def test_the_award_serializer_writes_what_drfs_own_loop_writes(self, rf, monkeypatch, seed_award):
        AwardFactory(nominee__affiliation=None, nominee__country="", citation="")  # no presentation
        AchievementFactory(nomination=AwardFactory(), quantity=None)
        request = Request(rf.get("/api/v1/awards/"))
        rows = award_rows(Nomination.objects.public().values_list("id", flat=True))
        assert len(rows) == 3
        fast = json.dumps(AwardSerializer(rows, many=True, context={"request": request}).data)
        monkeypatch.setattr(RowSerializer, "to_representation", serializers.Serializer.to_representation)
        assert fast == json.dumps(AwardSerializer(rows, many=True, context={"request": request}).data)

    @pytest.mark.parametrize(
        "field",
        [
            serializers.CharField(source="*"),  # the whole row
            serializers.SerializerMethodField(),
        ],
    )
    def test_a_row_serializer_refuses_what_it_cannot_compile(self, field):
        refused = type("Refused", (RowSerializer,), {"x": field, "get_x": lambda self, row: ""})
        with pytest.raises(ImproperlyConfigured):
            refused().to_representation(object())

    def test_every_list_is_paginated_with_count_and_links(self, client):
        a_public_object_of_each_resource()
        for resource in RESOURCES:
            body = client.get(f"/api/v1/{resource}/").json()
            assert set(body) == {"count", "next", "previous", "results"}, resource
            assert body["count"] == 1, resource

    def test_api_root_links_every_resource(self, client):
        body = client.get("/api/v1/").json()
        assert body == {name: f"http://testserver/api/v1/{name}/" for name in RESOURCES}


class TestResources:
    def test_edition_detail_lists_its_awards_by_category_in_category_order(self, client):
        edition = EditionFactory()
        second = CategoryFactory(program=edition.program, position=2, name="Second")
        first = CategoryFactory(program=edition.program, position=1, name="First")
        a = AwardFactory(edition=edition, category=second, nominee__name="A")
        b = AwardFactory(edition=edition, category=first, nominee__name="B")
        c = AwardFactory(edition=edition, category=first, nominee__name="C")
        NominationFactory(edition=edition, category=first, status=Nomination.Status.NOT_SELECTED)

        body = client.get(f"/api/v1/editions/{edition.id}/").json()

        assert [(g["name"], [award["id"] for award in g["awards"]]) for g in body["categories"]] == [
            ("First", [b.id, c.id]),
            ("Second", [a.id]),
        ]

    def test_recipient_detail_lists_only_their_public_awards(self, client):
        nominee = NomineeFactory()
        public = AwardFactory(nominee=nominee)
        AwardFactory(nominee=nominee, edition__results_published_at=None)
        NominationFactory(nominee=nominee, status=Nomination.Status.SHORTLISTED)

        body = client.get(f"/api/v1/recipients/{nominee.id}/").json()

        assert [award["id"] for award in body["awards"]] == [public.id]

    def test_announcement_links_only_public_awards(self, client):
        public, draft = AwardFactory(), AwardFactory(edition__results_published_at=None)
        announcement = AnnouncementFactory()
        announcement.related_awards.add(public, draft)

        body = client.get(f"/api/v1/announcements/{announcement.id}/").json()

        assert body["awards"] == [f"http://testserver/api/v1/awards/{public.id}/"]

    def test_programs_and_categories_without_published_results_are_not_listed(self, client):
        published = CategoryFactory(program=AwardFactory().edition.program)
        CategoryFactory(program=EditionFactory(results_published_at=None).program)

        programs = client.get("/api/v1/programs/").json()["results"]
        categories = client.get("/api/v1/categories/").json()["results"]

        assert [p["slug"] for p in programs] == [published.program.slug]
        assert {c["program"]["slug"] for c in categories} == {published.program.slug}

    def test_ceremony_is_public_when_announced_before_the_results(self, client):
        edition = EditionFactory(results_published_at=None)
        announced = CeremonyFactory(edition=edition, announced_at=timezone.now() - datetime.timedelta(days=1))
        CeremonyFactory(edition=edition)

        body = client.get("/api/v1/ceremonies/").json()

        assert [c["id"] for c in body["results"]] == [announced.id]

    def test_filters_narrow_other_resources(self, client):
        award = AwardFactory(edition__year=2019, nominee__country="MX")
        AwardFactory(edition__year=2020, nominee__country="FR")
        slug = award.edition.program.slug

        assert client.get(f"/api/v1/editions/?year=2019&program={slug}").json()["count"] == 1
        assert client.get(f"/api/v1/categories/?program={slug}").json()["count"] == 1
        assert client.get("/api/v1/recipients/?country=MX").json()["count"] == 1


class TestVisibility:
    @pytest.mark.parametrize(
        "make",
        [
            pytest.param(lambda: AwardFactory(edition__results_published_at=None), id="draft-edition"),
            pytest.param(
                lambda: AwardFactory(
                    edition__results_published_at=timezone.now() + datetime.timedelta(hours=1)
                ),
                id="embargoed-edition",
            ),
            *[
                pytest.param(lambda status=status: NominationFactory(status=status), id=status)
                for status in Nomination.Status
                if status != Nomination.Status.AWARDED
            ],
        ],
    )
    def test_non_public_nomination_is_a_404_exactly_like_a_missing_id(self, client, make):
        hidden = make()
        missing = client.get("/api/v1/awards/987654/")

        response = client.get(f"/api/v1/awards/{hidden.id}/")

        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
        assert response["Content-Type"] == "application/json"
        assert client.get("/api/v1/awards/").json()["count"] == 0
        assert client.get(f"/api/v1/recipients/{hidden.nominee_id}/").status_code == 404

    def test_unpublished_edition_ceremony_and_announcement_are_404(self, client):
        edition = EditionFactory(results_published_at=None)
        ceremony = CeremonyFactory(edition=edition)
        draft = AnnouncementFactory(published_at=None)
        scheduled = AnnouncementFactory(published_at=timezone.now() + datetime.timedelta(days=1))

        for path in [
            f"/api/v1/editions/{edition.id}/",
            f"/api/v1/programs/{edition.program_id}/",
            f"/api/v1/ceremonies/{ceremony.id}/",
            f"/api/v1/announcements/{draft.id}/",
            f"/api/v1/announcements/{scheduled.id}/",
        ]:
            assert client.get(path).json() == {"detail": "Not found."}, path

    def test_no_internal_field_appears_anywhere(self, client, seed_award):
        seed_award.justification, seed_award.nominated_by = SECRET, "Internal Nominator"
        seed_award.save()
        AnnouncementFactory(edition=seed_award.edition).related_awards.add(seed_award)
        ids = {
            "awards": seed_award.id,
            "recipients": seed_award.nominee_id,
            "editions": seed_award.edition_id,
        }
        for resource in RESOURCES:
            pages = [f"/api/v1/{resource}/", f"/api/v1/{resource}/?format=csv"]
            if resource in ids:
                pages.append(f"/api/v1/{resource}/{ids[resource]}/")
            for page in pages:
                text = client.get(page).content.decode()
                for secret in (SECRET, "Internal Nominator", "justification", "nominated_by", "awarded"):
                    assert secret not in text, (page, secret)

    def test_internal_fields_cannot_be_filtered_or_ordered_on(self, client):
        award = AwardFactory()
        NominationFactory(edition=award.edition, category=award.category)

        for query in ("status=submitted", f"justification={SECRET}"):
            response = client.get(f"/api/v1/awards/?{query}")
            assert response.status_code == 400
            assert set(response.json()) == {query.split("=")[0]}  # an unknown parameter
        for field in ("justification", "status", "nominated_by", "created_by"):
            response = client.get(f"/api/v1/awards/?ordering={field}")
            assert response.status_code == 400
            assert set(response.json()) == {"ordering"}


class TestBadInput:
    @pytest.mark.parametrize("resource", RESOURCES)
    @pytest.mark.parametrize(
        "bad_id",
        [
            "abc",
            "0",
            "-1",
            "1.5",
            "1e3",
            "%201",
            "%00",
            "1%00",
            "%D9%A1",  # Arabic-Indic digit one: int() would accept it
            "9223372036854775808",  # one past the largest 64-bit integer
            "99999999999999999999999999999999",
            "1" * 5000,  # past int()'s 4,300-digit limit
            "%F0%9F%8F%86",
        ],
    )
    def test_malformed_or_huge_id_is_a_json_404(self, client, resource, bad_id):
        response = client.get(f"/api/v1/{resource}/{bad_id}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}

    def test_unknown_path_under_the_api_is_a_json_404(self, client):
        for path in [
            "/api/v1/nope/",
            "/api/v1/awards/1/extra/",
            "/api/v1/awards/a/b/",
            "/api/",
            "/api/v2/awards/",
        ]:
            response = client.get(path)
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), path

    def test_every_bad_parameter_is_named_in_one_400(self, client):
        AwardFactory()
        response = client.get(
            "/api/v1/awards/?year=abc&year_min=99999999&country=XX&kind=robot&ordering=nope&page=0&page_size=x"
        )
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {
            "year",
            "year_min",
            "country",
            "kind",
            "ordering",
            "page",
            "page_size",
        }

    @pytest.mark.parametrize(
        "query",
        [
            "q=%00",
            "q=" + "x" * 10_000,
            "program=not%20a%20slug",
            "category=%00",
            "year=99999999999999999999999",
            "country=%F0%9F%8F%86",
            "page=%D9%A1",
            "page=-1",
        ],
    )
    def test_bad_value_is_a_400_naming_its_field(self, client, query):
        response = client.get(f"/api/v1/awards/?{query}")
        assert response.status_code == 400
        assert set(response.json()) == {query.split("=")[0]}

    def test_page_past_the_end_is_a_json_404(self, client):
        AwardFactory()
        for page in ("2", "99999999999999999999999"):
            response = client.get(f"/api/v1/awards/?page={page}")
            assert response.status_code == 404
            assert set(response.json()) == {"detail"}

    def test_unknown_format_is_a_json_406_listing_the_formats(self, client):
        award = AwardFactory()
        for path, formats in [
            ("/api/v1/awards/?format=xml", "format=json, format=csv"),
            (f"/api/v1/awards/{award.id}/?format=xlsx", "format=json, format=csv"),
            ("/api/v1/?format=csv", "format=json"),
        ]:
            response = client.get(path)
            assert (response.status_code, response["Content-Type"]) == (406, "application/json"), path
            assert response.json() == {"detail": f"No such format here; this address answers {formats}."}
        response = client.get("/api/v1/awards/", headers={"accept": "application/xml"})
        assert (response.status_code, response["Content-Type"]) == (406, "application/json")

    def test_writes_are_refused_with_json(self, client):
        award = AwardFactory()
        assert client.post("/api/v1/awards/", {}).status_code == 405
        response = client.delete(f"/api/v1/awards/{award.id}/")
        assert response.status_code == 405
        assert "detail" in response.json()
        assert Nomination.objects.filter(pk=award.pk).exists()

    def test_bad_parameter_with_csv_format_still_answers_json(self, client):
        response = client.get("/api/v1/awards/?format=csv&year=abc")
        assert response.status_code == 400
        assert set(response.json()) == {"year"}


class TestStrictParameters:
    """A query parameter an endpoint does not read is a 400, not silently ignored."""

    def test_an_unknown_parameter_is_a_400_naming_it_and_the_accepted_ones(self, client):
        AwardFactory()

        response = client.get("/api/v1/awards/?recipient=zzz")

        assert response.status_code == 400
        accepted = (
            "category, country, cursor, format, kind, ordering, page, page_size, program, q, year, "
            "year_max, year_min"
        )
        assert response.json() == {
            "recipient": [f"Unknown parameter; this address accepts {accepted}, and utm_* or _."]
        }

    @pytest.mark.parametrize("resource", RESOURCES)
    def test_every_list_and_detail_refuses_unknown_parameters(self, client, resource):
        ids = a_public_object_of_each_resource()
        for url in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{ids[resource]}/"):
            response = client.get(url, {"recipient": "zzz", "Program": "x"})
            assert response.status_code == 400, url
            assert set(response.json()) == {"recipient", "Program"}, url
            assert "format" in response.json()["recipient"][0], url

    def test_a_detail_refuses_the_lists_filters_and_pages(self, client):
        award = AwardFactory()
        response = client.get(f"/api/v1/awards/{award.id}/?year={award.edition.year}&page=1")
        assert response.status_code == 400
        assert response.json() == {
            name: ["Unknown parameter; this address accepts format, and utm_* or _."]
            for name in ("page", "year")
        }

    @pytest.mark.parametrize("resource", RESOURCES)
    def test_tracking_and_cache_busting_parameters_are_accepted(self, client, resource):
        ids = a_public_object_of_each_resource()
        query = {"utm_source": "newsletter", "utm_campaign": "2021", "_": "1700000000000"}
        for url in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{ids[resource]}/"):
            assert client.get(url, query).status_code == 200, url
            assert client.get(url, {**query, "format": "csv"}).status_code == 200, url

    def test_unknown_and_malformed_parameters_are_named_in_one_400(self, client):
        response = client.get("/api/v1/awards/?year=abc&recipient=zzz&page_size=x&utm_medium=email")
        assert response.status_code == 400
        assert set(response.json()) == {"year", "recipient", "page_size"}

    def test_the_accepted_parameters_are_those_the_schema_documents(self, client):
        paths = client.get("/api/schema/?format=json").json()["paths"]
        for path, operations in paths.items():
            documented = {p["name"] for p in operations["get"]["parameters"] if p["in"] == "query"}
            url = path.replace("{id}", "1").replace("{category}", "1")
            message = client.get(url, {"nope": "1"}).json()["nope"][0]
            accepted = message.split("accepts ", 1)[1].removesuffix(", and utm_* or _.")
            assert set(accepted.split(", ")) == documented, path


class TestUnknownProgramme:
    """A programme slug that names no public programme is a 400 in every filter, never an empty list."""

    FILTERED = ["awards", "categories", "editions", "ceremonies"]

    @pytest.mark.parametrize("resource", FILTERED)
    def test_an_unknown_programme_is_a_400_naming_it(self, client, resource):
        AwardFactory()
        response = client.get(f"/api/v1/{resource}/?program=no-such-programme")
        assert response.status_code == 400
        assert response.json() == {"program": ["No programme with slug “no-such-programme”."]}

    @pytest.mark.parametrize("resource", FILTERED)
    @pytest.mark.parametrize(
        "published_at",
        [None, timezone.now() + datetime.timedelta(days=1)],
        ids=["draft", "embargoed"],
    )
    def test_a_programme_not_yet_public_answers_exactly_like_an_unknown_one(
        self, client, resource, published_at
    ):
        hidden = AwardFactory(edition__results_published_at=published_at).edition.program
        CeremonyFactory(edition=hidden.editions.get())
        unknown = client.get(f"/api/v1/{resource}/?program=zz-{hidden.slug}")

        response = client.get(f"/api/v1/{resource}/?program={hidden.slug}")

        assert response.status_code == unknown.status_code == 400
        assert response.content == unknown.content.replace(b"zz-", b"")

    def test_a_public_programme_without_matches_is_an_empty_list(self, client):
        program = AwardFactory().edition.program
        response = client.get(f"/api/v1/ceremonies/?program={program.slug}")
        assert (response.status_code, response.json()["count"]) == (200, 0)

    def test_ceremonies_announced_ahead_of_the_results_can_be_filtered_by_their_programme(self, client):
        edition = EditionFactory(results_published_at=None)
        announced = CeremonyFactory(edition=edition, announced_at=timezone.now() - datetime.timedelta(days=1))

        body = client.get(f"/api/v1/ceremonies/?program={edition.program.slug}").json()

        assert [c["id"] for c in body["results"]] == [announced.id]
        assert client.get(f"/api/v1/awards/?program={edition.program.slug}").status_code == 400


class TestSlugs:
    """Detail URLs take the slug beside the id, with the same visibility."""

    def test_a_slug_names_the_same_object_as_its_id(self, client, seed_award):
        announcement = AnnouncementFactory(slug="big-news", edition=seed_award.edition)
        ceremony = seed_award.presentation.ceremony
        for resource, obj in [
            ("programs", seed_award.edition.program),
            ("recipients", seed_award.nominee),
            ("ceremonies", ceremony),
            ("announcements", announcement),
        ]:
            by_slug = client.get(f"/api/v1/{resource}/{obj.slug}/")
            assert by_slug.status_code == 200, resource
            assert by_slug.json() == client.get(f"/api/v1/{resource}/{obj.id}/").json(), resource

        assert client.get("/api/v1/programs/ero-annual-awards/").json()["name"] == "ERO Annual Awards"

    def test_a_category_is_named_within_its_programme_by_slug_or_id(self, client, seed_award):
        program, category = seed_award.edition.program, seed_award.category
        other = CategoryFactory(program=AwardFactory().edition.program, slug=category.slug)  # same slug
        expected = client.get(f"/api/v1/categories/{category.id}/").json()

        for url in [
            f"/api/v1/programs/{program.slug}/categories/{category.slug}/",
            f"/api/v1/programs/{program.id}/categories/{category.slug}/",
            f"/api/v1/programs/{program.slug}/categories/{category.id}/",
            f"/api/v1/programs/{program.id}/categories/{category.id}/",
        ]:
            assert client.get(url).json() == expected, url
        other_url = f"/api/v1/programs/{other.program.slug}/categories/{category.slug}/"
        assert client.get(other_url).json()["id"] == other.id
        for url in [
            f"/api/v1/programs/{program.slug}/categories/{other.id}/",  # another programme's
            f"/api/v1/programs/{program.slug}/categories/no-such-category/",
            f"/api/v1/programs/no-such-programme/categories/{category.slug}/",
        ]:
            assert (client.get(url).status_code, client.get(url).json()) == (404, {"detail": "Not found."}), (
                url
            )

    def test_what_is_not_public_is_a_404_by_slug_too(self, client):
        edition = EditionFactory(results_published_at=None)
        category = CategoryFactory(program=edition.program)
        hidden = NominationFactory(edition=edition, category=category)
        ceremony = CeremonyFactory(edition=edition)
        draft = AnnouncementFactory(published_at=None)
        missing = client.get("/api/v1/programs/no-such-programme/")

        for path in [
            f"/api/v1/programs/{edition.program.slug}/",
            f"/api/v1/programs/{edition.program.slug}/categories/{category.slug}/",
            f"/api/v1/recipients/{hidden.nominee.slug}/",
            f"/api/v1/ceremonies/{ceremony.slug}/",
            f"/api/v1/announcements/{draft.slug}/",
        ]:
            response = client.get(path)
            assert (response.status_code, response.content) == (404, missing.content), path

    @pytest.mark.parametrize("resource", ["awards", "editions", "categories"])
    def test_resources_without_a_unique_slug_take_only_ids(self, client, resource):
        award = AwardFactory()
        for slug in (award.category.slug, award.edition.program.slug):
            assert client.get(f"/api/v1/{resource}/{slug}/").status_code == 404


class TestPaginationAndOrdering:
    def test_page_size_above_100_is_capped_at_100(self, client):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program)
        AwardFactory.create_batch(101, edition=edition, category=category)

        body = client.get("/api/v1/awards/?page_size=1000").json()
        huge = client.get("/api/v1/awards/?page_size=" + "9" * 5000).json()

        assert (body["count"], len(body["results"])) == (101, 100)
        assert body["next"] == "http://testserver/api/v1/awards/?page=2&page_size=1000"
        assert len(huge["results"]) == 100

    def test_paging_through_returns_every_award_exactly_once_even_with_ties(self, client):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program)
        awards = AwardFactory.create_batch(7, edition=edition, category=category, nominee__name="Same Name")
        seen, url = [], "/api/v1/awards/?page_size=3&ordering=recipient"
        while url:
            response = client.get(url)
            seen += [a["id"] for a in response.json()["results"]]
            url = response.json()["next"]
        assert sorted(seen) == sorted(a.id for a in awards)
        assert len(seen) == len(set(seen))

    def test_link_header_points_to_the_next_and_previous_pages(self, client):
        AwardFactory.create_batch(3)
        response = client.get("/api/v1/awards/?page=2&page_size=1")
        assert response["Link"] == (
            '<http://testserver/api/v1/awards/?page=3&page_size=1>; rel="next", '
            '<http://testserver/api/v1/awards/?page_size=1>; rel="prev"'
        )

    def test_following_cursors_visits_every_award_once_in_the_page_order(self, client):
        for year in (2019, 2020, 2021):
            edition = EditionFactory(year=year)
            for position in (2, 1):
                category = CategoryFactory(program=edition.program, position=position)
                AwardFactory.create_batch(2, edition=edition, category=category)
        by_pages = [a["id"] for a in client.get("/api/v1/awards/?page_size=100").json()["results"]]
        by_cursor, url, pages = [], "/api/v1/awards/?page_size=5&cursor=", 0
        while url:
            body = client.get(url).json()
            assert body["count"] == 12 and body["previous"] is None
            by_cursor += [a["id"] for a in body["results"]]
            url, pages = body["next"], pages + 1
        assert by_cursor == by_pages
        assert pages == 3

    @pytest.mark.parametrize("page_size", [1, 2, 4, 5])
    def test_numbered_pages_across_years_are_slices_of_the_whole_list(self, client, page_size):
        # A deep page starts its scan at its own year (CachedCountPaginator): pages that begin
        # on, before and after a year boundary must still be exact slices of the one order.
        for year, awards in ((2019, 3), (2020, 1), (2021, 4), (2022, 2)):
            edition = EditionFactory(year=year)
            for position in (2, 1):
                category = CategoryFactory(program=edition.program, position=position)
                AwardFactory.create_batch(awards, edition=edition, category=category)
        whole = [a["id"] for a in client.get("/api/v1/awards/?page_size=100").json()["results"]]
        pages = -(-len(whole) // page_size)
        for page in range(1, pages + 1):
            body = client.get(f"/api/v1/awards/?page_size={page_size}&page={page}").json()
            assert [a["id"] for a in body["results"]] == whole[(page - 1) * page_size : page * page_size]
            assert body["count"] == len(whole) == 20
        assert client.get(f"/api/v1/awards/?page_size={page_size}&page={pages + 1}").status_code == 404

    def test_a_cursor_page_keeps_the_filters_and_links_the_next_one(self, client):
        wanted = EditionFactory(year=2020)
        AwardFactory.create_batch(3, edition=wanted)
        AwardFactory(edition__year=2019)
        first = client.get("/api/v1/awards/?year=2020&page_size=2&cursor=")
        body = first.json()
        assert body["count"] == 3 and len(body["results"]) == 2
        assert first["Link"] == f'<{body["next"]}>; rel="next"'
        assert "year=2020" in body["next"]
        rest = client.get(body["next"]).json()
        assert len(rest["results"]) == 1 and rest["next"] is None

    @pytest.mark.parametrize(
        "query", ["cursor=bogus", "cursor=2020.1.1", "cursor=&page=2", "cursor=&ordering=year"]
    )
    def test_a_bad_cursor_is_a_400_naming_it(self, client, query):
        AwardFactory()
        response = client.get(f"/api/v1/awards/?{query}")
        assert response.status_code == 400
        assert "cursor" in response.json()

    @pytest.mark.parametrize(
        ("ordering", "expected"),
        [
            ("year", ["B 2019", "A 2020", "C 2021"]),
            ("-year", ["C 2021", "A 2020", "B 2019"]),
            ("recipient", ["A 2020", "B 2019", "C 2021"]),
            ("published_at", ["B 2019", "A 2020", "C 2021"]),
            ("-published_at", ["C 2021", "A 2020", "B 2019"]),
        ],
    )
    def test_ordering_of_spec_section_6(self, client, ordering, expected):
        now = timezone.now()
        for name, year in (("A", 2020), ("B", 2019), ("C", 2021)):
            AwardFactory(
                nominee__name=f"{name} {year}",
                edition__year=year,
                edition__results_published_at=now - datetime.timedelta(days=2100 - year),
            )
        body = client.get(f"/api/v1/awards/?ordering={ordering}").json()
        assert [a["recipient"]["name"] for a in body["results"]] == expected

    def test_awards_take_the_filters_of_the_public_awards_page(self, client, seed_award):
        AwardFactory(edition__year=2019, nominee__country="FR", nominee__kind="team")
        program = seed_award.edition.program.slug
        category = seed_award.category.slug
        for query in [
            f"program={program}",
            "year=2021",
            "year_min=2020",
            "year_max=2021&year_min=2021",
            f"category={category}",
            "country=MX",
            "kind=person",
            "q=interpol",
        ]:
            body = client.get(f"/api/v1/awards/?{query}").json()
            assert [a["id"] for a in body["results"]] == [seed_award.id], query


class TestConditionalGet:
    def test_every_get_has_validators_and_cache_control(self, client, settings, settle):
        settings.API_CACHE_MAX_AGE = 123
        ids = a_public_object_of_each_resource()
        settle()
        paths = (
            ["/api/v1/"]
            + [f"/api/v1/{r}/" for r in RESOURCES]
            + [f"/api/v1/{r}/{i}/" for r, i in ids.items()]
        )
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["ETag"].startswith('"'), path
            assert response["Last-Modified"].endswith("GMT"), path
            assert response["Cache-Control"] == "public, max-age=123", path

    @pytest.mark.parametrize("path", ["/api/v1/awards/?page_size=100", "/api/v1/awards/{id}/"])
    def test_matching_if_none_match_is_a_304_without_running_the_endpoint_queries(
        self, client, django_assert_num_queries, path
    ):
        path = path.format(id=AchievementFactory().nomination_id)
        first = client.get(path)

        with django_assert_num_queries(1):  # the validators' one cheap query, nothing else
            again = client.get(path, headers={"if-none-match": first["ETag"]})

        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]

    def test_repeated_get_is_served_from_the_stored_body_with_one_query(
        self, client, django_assert_num_queries, settle
    ):
        AchievementFactory()
        settle()
        first = client.get("/api/v1/awards/?format=csv")

        with django_assert_num_queries(1):
            again = client.get("/api/v1/awards/?format=csv")

        assert again.status_code == 200
        assert again.content == first.content
        for header in ("Content-Type", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control"):
            assert again[header] == first[header], header

    def test_stored_body_is_not_served_after_a_change(self, client):
        award = AwardFactory(citation="Old words")
        assert "Old words" in client.get("/api/v1/awards/").content.decode()
        award.citation = "New words"
        award.save()
        assert "New words" in client.get("/api/v1/awards/").content.decode()

    def test_if_modified_since_last_modified_is_a_304(self, client, settle):
        AwardFactory()
        settle()
        first = client.get("/api/v1/awards/")
        again = client.get("/api/v1/awards/", headers={"if-modified-since": first["Last-Modified"]})
        assert again.status_code == 304

    def test_no_last_modified_until_the_second_of_the_last_change_is_over(self, client, settle):
        # A second write in the same second would carry the same date: a client revalidating by
        # date alone must not get a 304 for it, so the date is withheld until the second is over.
        award = AwardFactory(citation="First words")
        # The write's second is not over yet, however long the test took to get here.
        DataVersion.objects.update(changed_at=timezone.now() + datetime.timedelta(seconds=30))
        first = client.get(f"/api/v1/awards/{award.pk}/")
        assert "Last-Modified" not in first
        Nomination.objects.filter(pk=award.pk).update(citation="Second words")
        settle(seconds=32)
        second = client.get(f"/api/v1/awards/{award.pk}/")
        assert "Last-Modified" in second
        assert second.json()["citation"] == "Second words"

    def test_last_modified_never_goes_back_when_an_edition_is_unpublished(self, client, settle):
        older = AwardFactory(edition__results_published_at=timezone.now() - datetime.timedelta(days=9))
        newest = AwardFactory(edition__results_published_at=timezone.now() - datetime.timedelta(days=1))
        settle(seconds=3)
        before = client.get("/api/v1/awards/")
        Edition.objects.filter(pk=newest.edition_id).update(results_published_at=None)
        settle(seconds=1)  # later than the first write, as it is
        after = client.get("/api/v1/awards/")
        assert parse_http_date(after["Last-Modified"]) >= parse_http_date(before["Last-Modified"])
        by_date = client.get("/api/v1/awards/", headers={"if-modified-since": before["Last-Modified"]})
        assert by_date.status_code == 200
        assert [award["id"] for award in by_date.json()["results"]] == [older.pk]

    def test_head_gets_the_validators_and_revalidates_too(self, client):
        AwardFactory()
        head = client.head("/api/v1/awards/")
        assert head.status_code == 200
        assert head["ETag"] == client.get("/api/v1/awards/")["ETag"]
        assert client.head("/api/v1/awards/", headers={"if-none-match": head["ETag"]}).status_code == 304

    def test_answers_vary_on_accept_since_a_list_can_also_be_csv(self, client):
        award = AwardFactory()
        assert "Accept" in client.get("/api/v1/awards/")["Vary"]
        assert "Accept" in client.get(f"/api/v1/awards/{award.id}/")["Vary"]
        csv_by_accept = client.get("/api/v1/awards/", headers={"accept": "text/csv"})
        assert csv_by_accept["Content-Type"] == "text/csv; charset=utf-8"
        assert csv_by_accept["ETag"] != client.get("/api/v1/awards/")["ETag"]

    def test_etag_differs_per_query_and_format(self, client):
        AwardFactory()
        etags = {
            client.get(path)["ETag"]
            for path in ["/api/v1/awards/", "/api/v1/awards/?year=2000", "/api/v1/awards/?format=csv"]
        }
        assert len(etags) == 3

    @pytest.mark.parametrize(
        "change",
        [
            pytest.param(lambda award: award.save(), id="award-edited"),
            pytest.param(lambda award: award.nominee.save(), id="recipient-edited"),
            pytest.param(lambda award: award.edition.program.conferred_by.save(), id="organisation-edited"),
            pytest.param(lambda award: AchievementFactory(nomination=award), id="achievement-added"),
            pytest.param(lambda award: award.delete(), id="award-deleted"),
            pytest.param(lambda award: AwardFactory(edition=award.edition), id="award-added"),
            pytest.param(lambda award: CeremonyFactory(edition=award.edition), id="ceremony-added"),
            pytest.param(lambda award: award.category.save(), id="category-edited"),
            pytest.param(
                lambda award: Edition.objects.filter(pk=award.edition_id).update(results_published_at=None),
                id="edition-unpublished-in-bulk",
            ),
        ],
    )
    def test_validators_change_when_public_data_changes(self, client, change):
        award = AwardFactory()
        etag = client.get("/api/v1/awards/")["ETag"]
        change(award)
        response = client.get("/api/v1/awards/", headers={"if-none-match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag

    def test_work_on_hidden_data_changes_no_answer(self, client):
        # Every write moves the validators (registry/public_state.py), hidden work included; what
        # the public receives stays byte for byte the same, so nothing of that work can be read.
        AwardFactory()
        hidden = AwardFactory(edition__results_published_at=None)
        draft = AnnouncementFactory(published_at=None)
        before = client.get("/api/v1/awards/")

        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
            hidden.citation = "Edited before publication"
            hidden.save()
            hidden.nominee.save()
            hidden.edition.save()
            AchievementFactory(nomination=hidden)
            NominationFactory(edition=hidden.edition, category=hidden.category)
            draft.save()
            hidden.delete()
            after = client.get("/api/v1/awards/", headers={"if-none-match": before["ETag"]})

        assert after.status_code == 200
        assert after.content == before.content

    def test_no_stale_304_once_an_embargo_lifts(self, client, settle):
        AwardFactory()
        lift = timezone.now() + datetime.timedelta(hours=2)
        embargoed = AwardFactory(edition__results_published_at=lift)
        settle()
        before = client.get("/api/v1/awards/")
        assert before.json()["count"] == 1

        with time_machine.travel(lift + datetime.timedelta(seconds=1), tick=False):
            by_etag = client.get("/api/v1/awards/", headers={"if-none-match": before["ETag"]})
            by_date = client.get("/api/v1/awards/", headers={"if-modified-since": before["Last-Modified"]})
            detail = client.get(f"/api/v1/awards/{embargoed.id}/")

        assert by_etag.status_code == by_date.status_code == detail.status_code == 200
        assert by_etag.json()["count"] == 2

    def test_reused_validator_state_makes_a_304_free_of_queries(
        self, client, settings, django_assert_num_queries
    ):
        settings.PUBLIC_STATE_TTL = 60
        AwardFactory()
        etag = client.get("/api/v1/awards/")["ETag"]

        with django_assert_num_queries(0):
            assert client.get("/api/v1/awards/", headers={"if-none-match": etag}).status_code == 304

    def test_reused_validator_state_never_delays_a_scheduled_publication(self, client, settings):
        settings.PUBLIC_STATE_TTL = 3600
        lift = timezone.now() + datetime.timedelta(minutes=5)
        AwardFactory(edition__results_published_at=lift)
        before = client.get("/api/v1/awards/")
        assert before.json()["count"] == 0

        with time_machine.travel(lift, tick=False):
            after = client.get("/api/v1/awards/", headers={"if-none-match": before["ETag"]})

        assert after.status_code == 200
        assert after.json()["count"] == 1

    def test_max_age_never_reaches_past_the_next_scheduled_publication(self, client, settings):
        settings.API_CACHE_MAX_AGE = 3600
        with time_machine.travel(timezone.now(), tick=False):
            AwardFactory(edition__results_published_at=timezone.now() + datetime.timedelta(seconds=90))
            assert client.get("/api/v1/awards/")["Cache-Control"] == "public, max-age=90"
            AnnouncementFactory(published_at=timezone.now() + datetime.timedelta(seconds=30))
            assert client.get("/api/v1/awards/")["Cache-Control"] == "public, max-age=30"


class TestCorsAndRateLimit:
    def test_gets_allow_any_origin(self, client):
        award = AwardFactory()
        for path in ["/api/v1/awards/", f"/api/v1/awards/{award.id}/", "/api/v1/awards/0/", "/api/schema/"]:
            response = client.get(path, headers={"origin": "https://news.example"})
            assert response["Access-Control-Allow-Origin"] == "*", path
            assert "ETag" in response["Access-Control-Expose-Headers"]

    def test_preflight_for_a_revalidation_is_allowed(self, client):
        response = client.options(
            "/api/v1/awards/",
            headers={
                "origin": "https://news.example",
                "access-control-request-method": "GET",
                "access-control-request-headers": "if-none-match",
            },
        )
        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "If-None-Match" in response["Access-Control-Allow-Headers"]

    def test_pages_outside_the_api_get_no_cors_header(self, client):
        assert "Access-Control-Allow-Origin" not in client.get("/healthz")

    def test_past_the_rate_limit_is_a_429_with_retry_after(self, client, settings):
        settings.API_ANON_RATE = "2/minute"
        assert [client.get("/api/v1/awards/").status_code for _ in range(2)] == [200, 200]

        response = client.get("/api/v1/awards/")

        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "detail" in response.json()
        assert response["Cache-Control"] == "no-store"

    def test_the_allowance_comes_back_with_the_next_window(self, client, settings):
        settings.API_ANON_RATE = "2/minute"
        start = datetime.datetime(2026, 1, 1, 12, 0, 10, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False):
            statuses = [client.get("/api/v1/awards/").status_code for _ in range(3)]
            refused = client.get("/api/v1/awards/")
        with time_machine.travel(start + datetime.timedelta(seconds=50), tick=False):
            again = client.get("/api/v1/awards/")

        assert statuses == [200, 200, 429]
        assert refused["Retry-After"] == "50"  # when this minute's window ends
        assert again.status_code == 200

    def test_every_answer_counts_once_whether_rendered_stored_or_not_modified(self, client, settings):
        settings.API_ANON_RATE = "4/minute"
        AwardFactory()
        with time_machine.travel(datetime.datetime(2026, 1, 1, 12, 0, 10, tzinfo=datetime.UTC), tick=False):
            rendered = client.get("/api/v1/awards/")
            stored = client.get("/api/v1/awards/")
            not_modified = client.get("/api/v1/awards/", headers={"if-none-match": rendered["ETag"]})
            another = client.get("/api/v1/programs/")  # rendered: counted once, not twice
            refused = client.get("/api/v1/awards/", headers={"if-none-match": rendered["ETag"]})

        assert [r.status_code for r in (rendered, stored, not_modified, another)] == [200, 200, 304, 200]
        assert refused.status_code == 429

    def test_a_worker_takes_a_large_allowance_from_the_shared_counter_a_hundredth_at_a_time(
        self, client, settings
    ):
        from django.core.cache import cache

        from registry.api.throttling import AnonymousRateThrottle

        settings.API_ANON_RATE = "300/minute"
        start = datetime.datetime(2026, 1, 1, 12, 0, 10, tzinfo=datetime.UTC)
        key = f"throttle_anon_127.0.0.1:{int(start.timestamp()) // 60}"
        with time_machine.travel(start, tick=False):
            assert all(client.get("/api/v1/").status_code == 200 for _ in range(4))
            assert cache.get(key) == 6  # two leases of 3
            AnonymousRateThrottle.forget_leases()  # another worker: its lease comes from the same counter
            assert all(client.get("/api/v1/").status_code == 200 for _ in range(294))
            assert cache.get(key) == 300
            refused = client.get("/api/v1/")  # 298 served; the other worker's 2 unspent are lost
        assert refused.status_code == 429

    def test_forwarded_for_is_ignored_without_configured_proxies(self, client, settings):
        settings.API_ANON_RATE = "2/minute"
        statuses = [
            client.get("/api/v1/awards/", headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code
            for n in range(3)
        ]
        assert statuses == [200, 200, 429]

    def test_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(self, client, settings):
        settings.API_ANON_RATE = "2/minute"
        settings.TRUSTED_PROXIES = ["10.0.0.1"]  # the test client's 127.0.0.1 is not it
        statuses = [
            client.get("/api/v1/awards/", headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code
            for n in range(3)
        ]
        assert statuses == [200, 200, 429]

    def test_forwarded_for_from_the_configured_proxy_identifies_the_client(self, client, settings):
        settings.API_ANON_RATE = "2/minute"
        settings.TRUSTED_PROXIES = ["127.0.0.1"]
        statuses = [
            client.get("/api/v1/awards/", headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code
            for n in (1, 1, 2, 1)
        ]
        assert statuses == [200, 200, 200, 429]


class TestCsv:
    def rows(self, response):
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))

    def test_csv_has_the_rows_of_the_json_page_in_the_columns_of_the_sites_csv(self, client, seed_award):
        AwardFactory.create_batch(2)
        json_ids = [a["id"] for a in client.get("/api/v1/awards/?page_size=2").json()["results"]]

        rows = self.rows(client.get("/api/v1/awards/?page_size=2&format=csv"))

        assert [int(row["id"]) for row in rows] == json_ids
        page = client.get("/api/v1/awards/?format=csv")
        site = b"".join(client.get("/awards.csv").streaming_content)
        assert page.content == site  # the one CSV shape of an award: same header, same cells
        seed = next(row for row in self.rows(page) if row["id"] == str(seed_award.id))
        assert seed["recipient"] == "Jorge Dominguez Martinez Vertiz"
        assert seed["affiliation"] == "Interpol Mexico"
        assert (seed["ceremony_venue"], seed["ceremony_city"], seed["ceremony_country"]) == (
            "U.S. Embassy in Mexico City",
            "Mexico City",
            "MX",
        )
        assert seed["achievements"] == "23,100 cases vetted; 474 fugitive arrests facilitated"
        assert seed["published_at"] == "2022-09-28T12:00:00+00:00"
        assert seed["page_url"] == "http://testserver" + seed_award.get_absolute_url()

    @pytest.mark.parametrize("resource", RESOURCES)
    def test_every_list_has_a_csv_with_a_header_even_when_empty(self, client, resource):
        header = client.get(f"/api/v1/{resource}/?format=csv").content.decode().splitlines()
        expected = ",".join(AWARD_CSV_COLUMNS) if resource == "awards" else "id,url,page_url,"
        assert header[0].startswith(expected)
        assert len(header) == 1

    def test_csv_is_utf8_and_safe_against_formula_injection(self, client):
        AwardFactory(nominee__name="Domínguez", citation='=HYPERLINK("http://evil.example","x")')
        AwardFactory(nominee__name="@SUM(1+1)", citation="-2+3")

        rows = self.rows(client.get("/api/v1/awards/?format=csv&ordering=recipient"))

        assert [(r["recipient"], r["citation"]) for r in rows] == [
            ("'@SUM(1+1)", "'-2+3"),
            ("Domínguez", '\'=HYPERLINK("http://evil.example","x")'),
        ]

    @pytest.mark.parametrize("resource", RESOURCES)
    def test_a_detail_in_csv_is_its_row_of_the_lists_csv(self, client, resource):
        ids = a_public_object_of_each_resource()

        listed = client.get(f"/api/v1/{resource}/?format=csv")
        detail = client.get(f"/api/v1/{resource}/{ids[resource]}/?format=csv")

        assert detail.status_code == 200
        assert detail["Content-Disposition"] == f'attachment; filename="{resource}-{ids[resource]}.csv"'
        assert self.rows(detail) == self.rows(listed)  # one object each: the same header, the same row
        assert len(self.rows(detail)) == 1

    def test_an_award_in_csv_has_the_one_csv_shape_of_an_award(self, client, seed_award):
        AwardFactory()
        rows = self.rows(client.get(f"/api/v1/awards/{seed_award.id}/?format=csv"))
        site = [
            row
            for row in self.rows(client.get("/api/v1/awards/?format=csv"))
            if row["id"] == str(seed_award.id)
        ]
        assert list(rows[0]) == AWARD_CSV_COLUMNS
        assert rows == site

    def test_a_missing_object_in_csv_is_the_json_404(self, client):
        response = client.get("/api/v1/recipients/no-such-recipient/?format=csv")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def announcement_of(award):
    return award.announcements.order_by("id").first()


class TestQueryCounts:
    """Each endpoint runs the same number of queries for 1 row as for 100 (no N+1)."""

    # validators + count + page + prefetches (awards: + the page's ids first, then achievements)
    BOUNDS = {
        "programs": 3,
        "categories": 3,
        "editions": 3,
        "awards": 5,
        "recipients": 3,
        "ceremonies": 3,
        "announcements": 4,
    }

    @staticmethod
    def make(rows):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program)
        announcement = AnnouncementFactory(edition=edition)
        for n in range(rows):
            award = AwardFactory(
                edition=edition if n % 2 else EditionFactory(),
                category=category,
                nominee__affiliation=OrganizationFactory(),
            )
            if n % 2 == 0:
                award.category = CategoryFactory(program=award.edition.program)
                award.save()
            AchievementFactory.create_batch(2, nomination=award)
            PresentationFactory(nomination=award, ceremony=CeremonyFactory(edition=award.edition))
            AnnouncementFactory(edition=award.edition).related_awards.add(award)
            announcement.related_awards.add(award)
        return edition, award

    @pytest.mark.parametrize("rows", [1, 100])
    def test_lists_and_details_run_a_constant_number_of_queries(
        self, client, django_assert_max_num_queries, rows
    ):
        edition, award = self.make(rows)
        for resource, bound in self.BOUNDS.items():
            with django_assert_max_num_queries(bound):
                body = client.get(f"/api/v1/{resource}/?page_size=100").json()
            assert body["count"] >= 1, resource
        # validators + count + the page's keys + its rows + their achievements
        with django_assert_max_num_queries(5):
            body = client.get("/api/v1/awards/?page_size=100&cursor=").json()
        assert len(body["results"]) == rows
        # validators + object + prefetches (awards and their achievements)
        program, category, ceremony = award.edition.program, award.category, award.presentation.ceremony
        details = {
            f"/api/v1/editions/{edition.id}/": 4,
            f"/api/v1/recipients/{award.nominee_id}/": 4,
            f"/api/v1/recipients/{award.nominee.slug}/": 4,
            f"/api/v1/awards/{award.id}/": 3,
            f"/api/v1/awards/{award.id}/?format=csv": 3,
            f"/api/v1/programs/{program.slug}/": 2,
            f"/api/v1/programs/{program.slug}/categories/{category.slug}/": 2,
            f"/api/v1/programs/{program.id}/categories/{category.id}/?format=csv": 2,
            f"/api/v1/ceremonies/{ceremony.slug}/": 2,
            f"/api/v1/announcements/{announcement_of(award).slug}/": 3,
        }
        for url, bound in details.items():
            with django_assert_max_num_queries(bound, info=url):
                assert client.get(url).status_code == 200, url
