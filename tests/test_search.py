"""Text search: accent- and case-insensitive word prefixes, the same awards on both databases."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from registry.models import Nomination, Nominee
from registry.search import fold, query_words

from .factories import AwardFactory, NominationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.fixture
def seed_award():
    """The seed record, with accents the source itself does not carry, to prove they do not matter."""
    return AwardFactory(
        nominee__name="Jorge Domínguez Martínez Vértiz",
        nominee__title="Director General",
        nominee__affiliation=OrganizationFactory(name="Interpol México", short_name="INTERPOL"),
        category__name="Exemplary Law Enforcement Partnership Award",
        citation="Led Interpol Mexico's contributions to the Security Alliance for Fugitive Enforcement.",
    )


@pytest.fixture
def other_award():
    return AwardFactory(
        nominee__name="Ada Example",
        category__name="Excellence in Investigations",
        citation="For exemplary casework.",
    )


def found(text):
    return set(Nomination.objects.public().search(text).values_list("pk", flat=True))


class TestSearchFinds:
    def test_unaccented_word_finds_accented_name(self, seed_award, other_award):
        assert found("dominguez") == {seed_award.pk}

    def test_accented_upper_case_word_finds_it_too(self, seed_award, other_award):
        assert found("DOMÍNGUEZ") == {seed_award.pk}

    def test_source_spelling_without_accents_is_found_when_stored_with_accents(self, seed_award):
        assert found("Jorge Dominguez Martinez Vertiz") == {seed_award.pk}

    def test_accented_query_finds_unaccented_name(self):
        award = AwardFactory(nominee__name="Jorge Dominguez Martinez Vertiz")
        assert found("Domínguez Vértiz") == {award.pk}

    def test_affiliation_name_is_searched(self, seed_award, other_award):
        assert found("interpol") == {seed_award.pk}

    def test_affiliation_acronym_is_searched(self):
        award = AwardFactory(
            nominee__affiliation=OrganizationFactory(name="Long Name Agency", short_name="LNA")
        )
        assert found("lna") == {award.pk}

    def test_category_name_is_searched(self, seed_award, other_award):
        assert found("partnership") == {seed_award.pk}

    def test_citation_is_searched(self, seed_award, other_award):
        assert found("casework") == {other_award.pk}

    def test_a_word_prefix_matches(self, seed_award, other_award):
        assert found("domin") == {seed_award.pk}

    def test_the_middle_of_a_word_does_not_match(self, seed_award):
        assert found("minguez") == set()

    def test_every_word_must_match_somewhere(self, seed_award, other_award):
        assert found("jorge partnership mexico") == {seed_award.pk}
        assert found("jorge investigations") == set()

    def test_word_shared_by_both_finds_both(self, seed_award, other_award):
        # "exemplary" is in one category name and in the other citation.
        assert found("exemplary") == {seed_award.pk, other_award.pk}

    def test_punctuation_separates_words(self):
        award = AwardFactory(nominee__name="Anne-Marie O'Neill")
        assert found("marie") == found("o neill") == found("O'Neill") == {award.pk}

    def test_like_wildcards_are_plain_characters(self, seed_award, other_award):
        assert found("%") == found("_") == {seed_award.pk, other_award.pk}  # no words: no filter
        assert found("d%z") == set()

    def test_letters_unicode_does_not_decompose_are_folded(self):
        award = AwardFactory(nominee__name="Søren Łukasz Straße")
        assert found("soren lukasz strasse") == {award.pk}

    def test_non_latin_script_is_searchable(self):
        award = AwardFactory(nominee__name="Кирилл Иванов")
        assert found("кирилл") == found("ИВАН") == {award.pk}


class TestSearchNeverLeaks:
    def test_non_public_nomination_is_not_found(self):
        NominationFactory(nominee__name="Hidden Nominee", status=Nomination.Status.SHORTLISTED)
        assert found("hidden") == set()

    def test_justification_is_not_searched(self):
        AwardFactory(justification="secretword in the internal notes")
        assert found("secretword") == set()


def test_a_search_inside_a_subquery_filters_the_subquery_rows(seed_award, other_award):
    # Recipients with an award matching the words: the search runs on the subquery's own alias.
    matching = Nomination.objects.public().search("interpol").filter(nominee=OuterRef("pk"))
    recipients = Nominee.objects.filter(Exists(matching))
    assert list(recipients) == [seed_award.nominee]
    outer = Nomination.objects.filter(pk__in=Nomination.objects.search("interpol").values("pk"))
    assert set(outer) == {seed_award}


def test_query_words_are_folded_deduplicated_and_bounded():
    assert query_words("  Domínguez, DOMINGUEZ;  vértiz ") == ["dominguez", "vertiz"]
    assert len(query_words(" ".join(f"w{i}" for i in range(50)))) == 8
    assert query_words("%_ -- '") == []


def test_fold_strips_accents_case_and_punctuation():
    assert fold("Jorge Domínguez-Martínez (Interpol México)") == " jorge dominguez martinez interpol mexico"


FOLD_SAMPLES = [
    "Jorge Domínguez Martínez Vértiz",
    "Interpol México",
    "Anne-Marie O'Neill",
    "Søren Łukasz Straße Ærøskøbing Þór Đorđe",
    "naïve café, São Paulo; Zürich!",
    "Кирилл Иванов",
    "23,100 ERO-detained cases",
    "",
]


@postgres_only
@pytest.mark.parametrize("text", FOLD_SAMPLES)
def test_postgres_fold_equals_python_fold(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT registry_fold(%s)", [text])
        in_database = cursor.fetchone()[0]
    assert " ".join(in_database.split()) == " ".join(fold(text).split())


@postgres_only
def test_postgres_search_reads_the_gin_indexed_stored_vector():
    # On a few rows the planner rightly prefers other paths; at 100,000 awards it takes this
    # index (EXPLAIN figures in docs/performance.md). What a test can hold: the search reads
    # the very column the GIN index is built on, over the rows public() keeps.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'registry_nomination_search_fts'")
        [definition] = cursor.fetchone()
    sql = str(Nomination.objects.public().search("dominguez").query)
    assert "USING gin (search_vector) WHERE ((status)::text = 'awarded'::text)" in definition
    assert '"registry_nomination"."search_vector" @@ to_tsquery' in sql


@postgres_only
def test_stored_search_text_is_the_python_fold_of_what_is_searched(seed_award):
    seed_award.refresh_from_db()
    expected = fold(
        "Jorge Domínguez Martínez Vértiz Interpol México INTERPOL "
        "Exemplary Law Enforcement Partnership Award " + seed_award.citation
    )
    assert seed_award.search_text.split() == expected.split()


class TestSearchFollowsRenames:
    """The stored search text is refreshed by every save that changes what it is made of."""

    def test_renamed_recipient_is_found_by_the_new_name_only(self, seed_award):
        nominee = seed_award.nominee
        nominee.name = "Renamed Person"
        nominee.save()
        assert found("renamed") == {seed_award.pk} and found("dominguez") == set()

    def test_renamed_affiliation_is_found(self, seed_award):
        organization = seed_award.nominee.affiliation
        organization.name = "Brand New Bureau"
        organization.save()
        assert found("bureau") == {seed_award.pk}

    def test_renamed_category_is_found(self, seed_award):
        category = seed_award.category
        category.name = "Teamwork Prize"
        category.save()
        assert found("teamwork") == {seed_award.pk}

    def test_edited_citation_is_found(self, seed_award):
        seed_award.citation = "For extraordinary diligence."
        seed_award.save()
        assert found("diligence") == {seed_award.pk}
