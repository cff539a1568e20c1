"""The registry's promise, kept on every surface: within `PUBLIC_STATE_TTL` of any write, a public
answer reflects it, whether the client asks afresh or revalidates with what it was given.

docs/operations.md states the bound; these tests check it for the writes that once slipped
through: an award withdrawn, moved to a scheduled edition, or changed by `QuerySet.update()`,
and a figure deleted through the ORM.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from registry.models import Achievement, Ceremony, Edition, Nomination

from .factories import AchievementFactory, AwardFactory, EditionFactory, PresentationFactory

TTL = 1  # the default validator lifetime (seconds)
MARK = "Qwzx"  # in the recipient's name, the citation and the figure: found on any surface


def surfaces(award) -> list[str]:
    program, year, category = award.edition.program.slug, award.edition.year, award.category.slug
    return [
        "/",
        "/awards/",
        f"/awards/?q={MARK}",
        "/awards.csv",
        f"/programs/{program}/",
        f"/programs/{program}/{year}/",
        f"/programs/{program}/categories/{category}/",
        f"/programs/{program}/{year}/{category}/",
        f"/recipients/{award.nominee.slug}/",
        "/sitemap-recipients.xml",
        "/api/v1/awards/",
        f"/api/v1/awards/?q={MARK}",
        f"/api/v1/awards/{award.pk}/",
        "/api/v1/awards/?format=csv",
        "/api/v1/recipients/",
        "/feeds/awards.json",
        "/feeds/awards.rss",
        "/feeds/awards.atom",
    ]


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def withdraw(award):
    Nomination.objects.filter(pk=award.pk).update(status=Nomination.Status.WITHDRAWN)


def move_to_a_scheduled_edition(award):
    award.edition = EditionFactory(
        program=award.edition.program, results_published_at=timezone.now() + datetime.timedelta(days=2)
    )
    award.save()


def rewrite_citation_by_update(award):
    Nomination.objects.filter(pk=award.pk).update(citation="Rewritten words")


def delete_the_figure(award):
    Achievement.objects.filter(nomination=award).delete()


def unpublish_the_edition(award):
    Edition.objects.filter(pk=award.edition_id).update(results_published_at=None)


@pytest.mark.parametrize(
    ("change", "gone"),
    [
        (withdraw, f"Recipient {MARK}"),
        (move_to_a_scheduled_edition, f"Recipient {MARK}"),
        (unpublish_the_edition, f"Recipient {MARK}"),
        (rewrite_citation_by_update, f"Citation {MARK}"),
        (delete_the_figure, f"figure {MARK}"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_a_change_reaches_every_surface_within_the_validator_lifetime(client, settings, settle, change, gone):
    settings.PUBLIC_STATE_TTL = TTL  # and stored answers on, as in production
    AwardFactory()  # another public award, so no list goes empty
    award = AwardFactory(nominee__name=f"Recipient {MARK}", citation=f"Citation {MARK}")
    AchievementFactory(nomination=award, quantity=474, description=f"figure {MARK}")
    PresentationFactory(nomination=award)
    settle()
    before = {url: client.get(url) for url in surfaces(award)}
    assert all(response.status_code == 200 for response in before.values())
    before = {url: response for url, response in before.items() if gone in body(response)}
    # The recipient's name is everywhere; the citation and the figure at least here:
    assert {f"/api/v1/awards/{award.pk}/", "/feeds/awards.json", "/api/v1/awards/?format=csv"} <= set(before)

    change(award)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=TTL, milliseconds=10), tick=False):
        for url, old in before.items():
            revalidations = {
                "afresh": {},
                "If-None-Match": {"if-none-match": old["ETag"]} if old.has_header("ETag") else {},
                "If-Modified-Since": (
                    {"if-modified-since": old["Last-Modified"]} if old.has_header("Last-Modified") else {}
                ),
            }
            for how, headers in revalidations.items():
                response = client.get(url, headers=headers)
                assert response.status_code in (200, 404), (url, how, response.status_code)
                assert gone not in body(response), (url, how)


def test_within_the_lifetime_a_revalidation_may_confirm_the_old_answer_but_never_after(db, client, settings):
    # The bound is the lifetime, not zero: the state is reused that long, then read again.
    settings.PUBLIC_STATE_TTL = 60
    award = AwardFactory(citation=f"Citation {MARK}")
    first = client.get(f"/api/v1/awards/{award.pk}/")
    rewrite_citation_by_update(award)
    assert (
        client.get(f"/api/v1/awards/{award.pk}/", headers={"if-none-match": first["ETag"]}).status_code == 304
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=60), tick=False):
        after = client.get(f"/api/v1/awards/{award.pk}/", headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200
    assert after.json()["citation"] == "Rewritten words"


def test_a_ceremony_renamed_by_update_leaves_the_calendar_and_pages_within_the_lifetime(
    client, settings, settle
):
    settings.PUBLIC_STATE_TTL = TTL
    ceremony = PresentationFactory(nomination=AwardFactory()).ceremony
    Ceremony.objects.filter(pk=ceremony.pk).update(name=f"Gala {MARK}")
    settle()
    urls = ["/ceremonies.ics", "/ceremonies/", f"/ceremonies/{ceremony.slug}/", "/api/v1/ceremonies/"]
    before = {url: client.get(url) for url in urls}
    assert all(f"Gala {MARK}" in body(response) for response in before.values())

    Ceremony.objects.filter(pk=ceremony.pk).update(name="Renamed Gala")

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=TTL, milliseconds=10), tick=False):
        for url, old in before.items():
            for headers in ({}, {"if-none-match": old["ETag"]}, {"if-modified-since": old["Last-Modified"]}):
                response = client.get(url, headers=headers)
                assert response.status_code == 200, (url, headers)
                assert f"Gala {MARK}" not in body(response), (url, headers)
                assert "Renamed Gala" in body(response), (url, headers)
