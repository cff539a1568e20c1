"""Performance machinery (docs/performance.md): the copied sort keys stay in step with every
writer, stored pages and counts are never served for a state they do not show."""

import datetime
import time

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from registry.http_cache import PUBLIC_STATE_KEY, keep, kept, local_copies, shared_public_state
from registry.imports import nominations_import
from registry.models import AWARD_ORDER, Nomination
from registry.services import edition_publish

from .factories import AwardFactory, CategoryFactory, EditionFactory, NomineeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def copies(nomination):
    nomination.refresh_from_db()
    return nomination.year, nomination.published_at, nomination.category_position


def test_copies_are_filled_when_a_nomination_is_saved():
    award = AwardFactory(edition__year=2017, category__position=4)
    assert copies(award) == (2017, award.edition.results_published_at, 4)


def test_publishing_an_edition_through_the_service_updates_its_nominations():
    edition = EditionFactory(results_published_at=None)
    award = AwardFactory(edition=edition, category=CategoryFactory(program=edition.program))
    at = timezone.now() - datetime.timedelta(hours=1)

    edition_publish(edition=edition, at=at)

    assert copies(award)[1] == at
    assert list(Nomination.objects.public()) == [award]


def test_editing_an_edition_or_a_category_updates_their_nominations():
    award = AwardFactory(edition__year=2010, category__position=1)
    award.edition.year, award.category.position = 2011, 7
    award.edition.save()
    award.category.save()
    assert copies(award)[::2] == (2011, 7)


def test_a_scheduled_edition_goes_live_at_its_time_with_no_job():
    start = timezone.now()
    award = AwardFactory(edition__results_published_at=start + datetime.timedelta(hours=1))
    assert not Nomination.objects.public().exists()
    with time_machine.travel(start + datetime.timedelta(hours=1, seconds=1)):
        assert list(Nomination.objects.public()) == [award]


def test_a_stale_copy_can_only_hide_an_award_never_show_one():
    award = AwardFactory()
    # A bulk write that bypasses save(): the edition is unpublished, the copy still says public.
    type(award.edition).objects.filter(pk=award.edition_id).update(results_published_at=None)
    assert not Nomination.objects.public().exists()


def test_imports_fill_the_copies_and_the_search_text():
    program = ProgramFactory(slug="example-awards")
    edition = EditionFactory(program=program, year=2021)
    CategoryFactory(program=program, slug="partnership", position=3)
    NomineeFactory(slug="ada", name="Ada Lovelace")
    report = nominations_import(
        header=["program", "year", "category", "nominee"],
        rows=[["example-awards", "2021", "partnership", "ada"]],
    )
    assert report.ok, report.errors
    nomination = Nomination.objects.get()
    assert copies(nomination) == (2021, edition.results_published_at, 3)
    assert "lovelace" in nomination.search_text.split()


def test_generate_data_fills_the_copies():
    call_command("generate_data", awards=20, verbosity=0)
    wrong = Nomination.objects.exclude(year=models_f("edition__year"))
    assert not wrong.exists()
    assert not Nomination.objects.filter(search_text="").exists()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_load_demo_fills_the_copies():
    call_command("load_demo", verbosity=0)
    award = Nomination.objects.public().select_related("edition").first()
    assert (award.year, award.published_at) == (award.edition.year, award.edition.results_published_at)


def test_public_lists_order_newest_year_first_then_edition_and_category():
    old = AwardFactory(edition__year=2001)
    new_second = AwardFactory(edition__year=2020, category__position=2)
    new_first = AwardFactory(edition=new_second.edition, category__program=new_second.edition.program)
    new_first.category.position = 1
    new_first.category.save()
    assert list(Nomination.objects.public().order_by(*AWARD_ORDER)) == [new_first, new_second, old]


def test_the_award_order_starts_at_the_newest_published_year_without_changing_any_result():
    now = timezone.now()
    older = AwardFactory(edition__year=2019)
    newer = AwardFactory(edition__year=2021)
    embargoed = AwardFactory(
        edition__year=2024, edition__results_published_at=now + datetime.timedelta(hours=1)
    )

    def both_orders():
        bounded = list(Nomination.objects.public().in_award_order())
        assert bounded == list(Nomination.objects.public().order_by(*AWARD_ORDER))
        return bounded

    with time_machine.travel(now, tick=False):
        assert both_orders() == [newer, older]
    with time_machine.travel(now + datetime.timedelta(hours=2), tick=False):
        assert both_orders() == [embargoed, newer, older]


def test_the_award_order_of_a_registry_without_published_results_is_empty():
    AwardFactory(edition__results_published_at=None)
    assert list(Nomination.objects.public().in_award_order()) == []


# --- Stored responses and counts --------------------------------------------------------------


def test_a_repeat_of_a_page_is_served_from_the_cache_with_one_query(client, django_assert_num_queries):
    AwardFactory.create_batch(3)
    first = client.get("/awards/")
    with django_assert_num_queries(1):  # the public state, which names the stored copy
        again = client.get("/awards/")
    assert again.content == first.content and again["ETag"] == first["ETag"]


@pytest.fixture
def shared_cache_calls(monkeypatch):
    """The names of the calls made on the shared ("default") cache, one per round trip."""
    backend, calls, depth = caches["default"], [], []
    for name in ("get", "get_many", "set", "add", "incr", "delete"):
        original = getattr(backend, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            if not depth:
                calls.append(_name)
            depth.append(_name)
            try:
                return _original(*args, **kwargs)
            finally:
                depth.pop()

        monkeypatch.setattr(backend, name, counted)
    return calls


def test_an_api_revalidation_makes_one_round_trip_to_the_shared_cache(client, settings, shared_cache_calls):
    settings.PUBLIC_STATE_TTL = 60
    AwardFactory()
    etag = client.get("/api/v1/awards/")["ETag"]
    shared_cache_calls.clear()
    response = client.get("/api/v1/awards/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert shared_cache_calls == ["incr"]  # the rate limit's counter; the state is this process's copy


def test_a_stored_page_is_served_from_this_process_without_the_shared_cache(
    client, settings, shared_cache_calls, django_assert_num_queries
):
    settings.PUBLIC_STATE_TTL = 60
    AwardFactory()
    first = client.get("/awards/")
    shared_cache_calls.clear()
    with django_assert_num_queries(0):
        again = client.get("/awards/")
    assert again.content == first.content
    assert shared_cache_calls == []


def test_this_process_keeps_at_most_local_cache_entries_copies_dropping_the_least_recently_used(settings):
    settings.LOCAL_CACHE_ENTRIES = 2
    local_copies.set("a", b"A", timeout=60)
    local_copies.set("b", b"B", timeout=60)
    assert local_copies.get("a") == b"A"  # now "b" is the least recently used
    local_copies.set("c", b"C", timeout=60)
    assert [local_copies.get(key) for key in "abc"] == [b"A", None, b"C"]
    local_copies.set("d", b"D", timeout=0)  # expired at once
    assert local_copies.get("d") is None


def test_a_stored_page_another_process_rendered_is_served_from_the_shared_cache(client, settings):
    settings.PUBLIC_STATE_TTL = 60
    AwardFactory(nominee__name="Shared Copy")
    first = client.get("/awards/")
    local_copies.clear()  # as a worker that did not render it sees things
    again = client.get("/awards/")
    assert again.content == first.content and again["ETag"] == first["ETag"]


def test_a_copy_taken_from_the_shared_cache_expires_when_the_shared_value_does(settings):
    keep("count:example", 42, timeout=60)
    local_copies.clear()  # another worker, 50 s later, copies it
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=50), tick=False):
        assert kept("count:example") == 42
    expires_in = local_copies._values["count:example"][0] - time.monotonic()
    assert expires_in <= 10  # what was left of the 60 s, not a fresh 60 s


def test_the_public_state_copied_by_another_process_is_reused_only_for_what_is_left_of_its_ttl(db, settings):
    settings.PUBLIC_STATE_TTL = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        shared_public_state()  # read from the database, shared
    local_copies.clear()
    with time_machine.travel(start + datetime.timedelta(seconds=8), tick=False):
        shared_public_state()  # copied from the shared cache
    assert local_copies._values[PUBLIC_STATE_KEY][0] - time.monotonic() <= 2


def test_this_process_reuses_the_public_state_no_longer_than_the_validator_ttl(client, settings):
    settings.PUBLIC_STATE_TTL = 5
    award = AwardFactory(nominee__name="Old Name")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        etag = client.get("/api/v1/awards/")["ETag"]
    award.nominee.name = "New Name"
    award.nominee.save()
    with time_machine.travel(start + datetime.timedelta(seconds=4), tick=False):  # within the TTL
        assert client.get("/api/v1/awards/", headers={"if-none-match": etag}).status_code == 304
    with time_machine.travel(start + datetime.timedelta(seconds=6), tick=False):
        fresh = client.get("/api/v1/awards/", headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert fresh.json()["results"][0]["recipient"]["name"] == "New Name"


@pytest.mark.parametrize(
    "path", ["/api/v1/awards/", "/api/v1/awards/?format=csv", "/api/v1/", "/api/v1/awards/?page_size=1"]
)
def test_a_stored_api_answer_has_the_headers_and_body_of_the_rendered_one(client, path, settle):
    AwardFactory.create_batch(2)
    settle()  # Last-Modified is given, and the same, on all three
    rendered = client.get(path)
    stored = client.get(path)
    not_modified = client.get(path, headers={"if-none-match": rendered["ETag"]})

    assert stored.content == rendered.content
    names = ("Content-Type", "Vary", "Allow", "Link", "ETag", "Last-Modified", "Cache-Control")
    assert {n: stored.get(n) for n in names} == {n: rendered.get(n) for n in names}
    assert "Cookie" not in rendered.get("Vary", "")  # the same for everyone: shareable
    assert not_modified.status_code == 304
    for name in ("Vary", "ETag", "Last-Modified", "Cache-Control"):
        assert not_modified.get(name) == rendered.get(name), name


def test_an_api_answer_depends_on_the_accept_header_it_was_negotiated_from(client):
    AwardFactory()
    as_json = client.get("/api/v1/awards/", headers={"accept": "application/json"})
    as_csv = client.get("/api/v1/awards/", headers={"accept": "text/csv"})
    again_csv = client.get(
        "/api/v1/awards/", headers={"accept": "text/csv", "if-none-match": as_json["ETag"]}
    )

    assert as_json["Content-Type"] == "application/json"
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_csv["ETag"] != as_json["ETag"]
    assert again_csv.status_code == 200 and again_csv.content == as_csv.content


def test_a_stored_page_is_not_served_once_an_embargo_lifts(client):
    start = timezone.now()
    AwardFactory()
    embargoed = AwardFactory(
        nominee__name="Embargoed Winner", edition__results_published_at=start + datetime.timedelta(hours=1)
    )
    with time_machine.travel(start, tick=False):
        assert embargoed.nominee.name not in client.get("/awards/").content.decode()
    with time_machine.travel(start + datetime.timedelta(hours=1, seconds=1), tick=False):
        assert embargoed.nominee.name in client.get("/awards/").content.decode()


def test_a_stored_page_is_not_served_after_a_public_edit(client):
    award = AwardFactory(citation="First wording.")
    client.get(award.edition.get_absolute_url())
    award.nominee.name = "Corrected Name"
    award.nominee.save()
    assert "Corrected Name" in client.get(award.edition.get_absolute_url()).content.decode()


def test_pages_for_signed_in_users_are_neither_stored_nor_served_from_the_cache(
    client, admin_user, django_assert_max_num_queries
):
    AwardFactory()
    client.get("/awards/")  # stored for everyone else
    client.force_login(admin_user)
    with django_assert_max_num_queries(20) as queries:
        client.get("/awards/")
    assert len(queries) > 1, "rendered afresh, not from the anonymous copy"


def test_the_count_is_cached_across_pages_of_one_list(client, django_assert_num_queries):
    AwardFactory.create_batch(30)
    client.get("/api/v1/awards/?page=1")
    with django_assert_num_queries(4):  # public state, page of ids, their rows, achievements: no count
        client.get("/api/v1/awards/?page=2")


def test_an_edition_page_shows_a_bounded_number_of_awards_per_category_with_a_link_to_all(client):
    from registry.views import EDITION_AWARDS_PER_CATEGORY

    first = AwardFactory(nominee__name="A First")
    for _ in range(EDITION_AWARDS_PER_CATEGORY):
        AwardFactory(edition=first.edition, category=first.category, nominee__name="Z Later")
    page = client.get(first.edition.get_absolute_url()).content.decode()
    assert page.count("Z Later") == EDITION_AWARDS_PER_CATEGORY - 1
    assert f"{EDITION_AWARDS_PER_CATEGORY + 1} awards" in page
    assert first.get_absolute_url() in page  # "All 11 awards in …"


def test_past_ceremonies_are_paged(client):
    from registry.views import CEREMONIES_PER_PAGE

    from .factories import CeremonyFactory

    for day in range(CEREMONIES_PER_PAGE + 1):
        CeremonyFactory(date=datetime.date(2000, 1, 1) + datetime.timedelta(days=day))
    first, second = client.get("/ceremonies/"), client.get("/ceremonies/?page=2")
    assert len(first.context["past"]) == CEREMONIES_PER_PAGE
    assert len(second.context["past"]) == 1


def test_a_compiled_statement_whose_stand_in_is_not_bound_fails_loudly(db):
    from django.db import connection

    from registry import sql
    from registry.models import Nomination

    with pytest.raises(sql.UnboundSlot):  # the time was left out: it would never be "now"
        sql.fetch(
            connection.alias, "test-no-now", lambda: Nomination.objects.values_list("id"), now=timezone.now()
        )
    with pytest.raises(sql.UnboundSlot):  # one id of two has no slot
        sql.fetch(
            connection.alias,
            "test-one-id",
            lambda: Nomination.objects.filter(id__in=sql.stand_in_ids(1)).values_list("id"),
            ids=[1, 2],
        )
