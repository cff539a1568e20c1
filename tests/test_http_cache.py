"""The one HTTP cache layer (registry/http_cache.py): keys name everything an answer varies on."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from registry.http_cache import answer
from registry.models import Nomination

from .factories import AwardFactory, EditionFactory

pytestmark = pytest.mark.django_db


def answer_in(language: str, request, made: list):
    def respond():
        made.append(language)
        return HttpResponse(f"answer in {translation.get_language()}")

    with translation.override(language):
        return answer(request, respond)


def test_a_stored_answer_is_never_served_in_another_language():
    made = []
    request = RequestFactory().get("/awards/")
    english = answer_in("en", request, made)
    spanish = answer_in("es", request, made)
    english_again = answer_in("en", request, made)
    spanish_again = answer_in("es", request, made)

    assert made == ["en", "es"]  # each made once, then served from the store
    assert english.content == english_again.content == b"answer in en"
    assert spanish.content == spanish_again.content == b"answer in es"
    assert english["ETag"] != spanish["ETag"]
    with translation.override("es"):
        revalidated = answer(
            RequestFactory().get("/awards/", headers={"if-none-match": english["ETag"]}),
            lambda: HttpResponse("answer in es"),
        )
    assert revalidated.status_code == 200  # an English ETag confirms no Spanish body


def test_an_answer_to_a_request_with_a_session_cookie_is_made_afresh_and_not_kept(client, settings):
    made = []
    anonymous = RequestFactory().get("/awards/")
    staff = RequestFactory().get("/awards/")
    staff.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"

    def respond(who):
        made.append(who)
        return HttpResponse(who)

    answer(staff, lambda: respond("staff"))
    answer(anonymous, lambda: respond("public"))
    answer(staff, lambda: respond("staff"))
    assert answer(anonymous, lambda: respond("public")).content == b"public"
    assert made == ["staff", "public", "staff"]


def test_the_schema_is_answered_from_the_store_without_reading_the_data(client, django_assert_num_queries):
    first = client.get("/api/schema/?format=json")
    AwardFactory()  # a write moves the data's token, not the code's
    with django_assert_num_queries(0):
        again = client.get("/api/schema/?format=json")
        not_modified = client.get("/api/schema/?format=json", headers={"if-none-match": first["ETag"]})
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert not_modified.status_code == 304


def test_a_count_is_kept_per_filter_and_moves_with_the_data(client):
    old, new = EditionFactory(year=2001), EditionFactory(year=2002)
    AwardFactory.create_batch(2, edition=old)
    AwardFactory(edition=new)
    assert client.get("/api/v1/awards/?year=2001").json()["count"] == 2
    assert client.get("/api/v1/awards/?year=2002").json()["count"] == 1
    assert client.get("/api/v1/awards/?year=2001&page_size=1").json()["count"] == 2

    Nomination.objects.filter(edition=old).update(status=Nomination.Status.WITHDRAWN)

    assert client.get("/api/v1/awards/?year=2001&page_size=1").json()["count"] == 0
    assert client.get("/api/v1/awards/?year=2002").json()["count"] == 1
