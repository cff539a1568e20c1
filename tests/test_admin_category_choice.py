"""A nomination's category box offers the categories of the chosen edition's programme, each named
with its programme; the save still refuses a category of another programme."""

import pytest
from django.urls import reverse

from .factories import CategoryFactory, EditionFactory, NominationFactory, ProgramFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:registry_category_autocomplete")
BOX = {"app_label": "registry", "model_name": "nomination", "field_name": "category"}


@pytest.fixture
def two_programmes():
    """Two programmes that both have a "Courage Award", and an edition of the first."""
    harbour = ProgramFactory(name="Harbour Safety Awards")
    rail = ProgramFactory(name="Rail Safety Awards")
    CategoryFactory(program=harbour, name="Courage Award")
    CategoryFactory(program=harbour, name="Partnership Award")
    CategoryFactory(program=rail, name="Courage Award")
    return EditionFactory(program=harbour, year=2025)


def offered(client, **params):
    response = client.get(URL, BOX | params)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_box_offers_only_the_chosen_editions_programme_named_with_it(staff_client, two_programmes):
    client = staff_client("clerk")
    assert offered(client, edition=two_programmes.pk, term="award") == [
        "Courage Award — Harbour Safety Awards",
        "Partnership Award — Harbour Safety Awards",
    ]
    assert offered(client, edition=two_programmes.pk, term="courage") == [
        "Courage Award — Harbour Safety Awards"
    ]


def test_without_an_edition_every_programme_is_offered_and_told_apart(staff_client, two_programmes):
    assert sorted(offered(staff_client("clerk"), term="courage")) == [
        "Courage Award — Harbour Safety Awards",
        "Courage Award — Rail Safety Awards",
    ]


@pytest.mark.parametrize("edition", ["", "abc", "-1", "9" * 40, "1.5"])
def test_a_bad_edition_value_is_ignored_never_a_500(staff_client, two_programmes, edition):
    assert len(offered(staff_client("clerk"), edition=edition, term="courage")) == 2


def test_an_edition_that_does_not_exist_offers_nothing(staff_client, two_programmes):
    assert offered(staff_client("clerk"), edition=two_programmes.pk + 1000) == []


def test_box_asks_for_staff_and_for_a_category_field(client, staff_client, two_programmes):
    assert client.get(URL, BOX).status_code == 302  # to the login page
    crafted = BOX | {"field_name": "nominee"}
    assert staff_client("clerk").get(URL, crafted).status_code == 403


def test_box_queries_do_not_grow_with_categories(staff_client, django_assert_max_num_queries):
    client = staff_client("clerk")
    programmes = ProgramFactory.create_batch(5)
    for programme in programmes:
        CategoryFactory.create_batch(6, program=programme)
    edition = EditionFactory(program=programmes[0])
    # session, user, its permissions (2), the count and the page of categories with their programme.
    with django_assert_max_num_queries(6):
        assert len(offered(client)) == 20  # a page
    with django_assert_max_num_queries(6):
        assert len(offered(client, edition=edition.pk)) == 6


def test_change_form_uses_the_box_and_names_the_chosen_category_with_its_programme(staff_client):
    nomination = NominationFactory(
        category__name="Courage Award", edition__program__name="Harbour Safety Awards"
    )
    response = staff_client("clerk").get(reverse("admin:registry_nomination_change", args=[nomination.pk]))
    page = response.content.decode()
    assert f'data-ajax--url="{URL}"' in page
    assert "js/category-by-edition.js" in page
    assert "Courage Award — Harbour Safety Awards</option>" in page


def test_save_still_refuses_a_category_of_another_programme(staff_client, two_programmes):
    rail_courage = CategoryFactory(program=ProgramFactory(name="Tram Awards"), name="Tram Award")
    nominee = NominationFactory().nominee
    data = {"edition": two_programmes.pk, "category": rail_courage.pk, "nominee": nominee.pk}
    for prefix in ["achievements", "presentation"]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    response = staff_client("clerk").post(reverse("admin:registry_nomination_add"), data)
    assert response.status_code == 200
    assert "another programme" in str(response.context["adminform"].form.errors["category"])
