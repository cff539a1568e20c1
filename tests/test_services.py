"""The write services: status moves (transitions, roles, max_awards, concurrency) and publishing."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from registry.models import Edition, Nomination
from registry.services import (
    announcement_publish,
    edition_publish,
    nomination_change_status,
    nominations_change_status,
)

from .factories import AnnouncementFactory, CategoryFactory, EditionFactory, NominationFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status


def shortlisted(**kwargs):
    return NominationFactory(status=Status.SHORTLISTED, **kwargs)


class TestTransitions:
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (Status.SUBMITTED, Status.IN_REVIEW),
            (Status.IN_REVIEW, Status.SHORTLISTED),
            (Status.SHORTLISTED, Status.AWARDED),
            (Status.SHORTLISTED, Status.NOT_SELECTED),
            (Status.SUBMITTED, Status.WITHDRAWN),
            (Status.SHORTLISTED, Status.WITHDRAWN),
        ],
    )
    def test_allowed_move_is_saved(self, start, end):
        nomination = NominationFactory(status=start)
        nomination_change_status(nomination=nomination, status=end)
        nomination.refresh_from_db()
        assert nomination.status == end

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (Status.SUBMITTED, Status.AWARDED),
            (Status.IN_REVIEW, Status.AWARDED),
            (Status.AWARDED, Status.WITHDRAWN),
            (Status.NOT_SELECTED, Status.AWARDED),
            (Status.WITHDRAWN, Status.IN_REVIEW),
        ],
    )
    def test_forbidden_move_is_refused_and_nothing_changes(self, start, end):
        nomination = NominationFactory(status=start)
        with pytest.raises(ValidationError, match="cannot go from"):
            nomination_change_status(nomination=nomination, status=end)
        nomination.refresh_from_db()
        assert nomination.status == start

    def test_move_is_recorded_in_history_with_who(self, staff_user):
        member = staff_user("committee")
        nomination = shortlisted()
        nomination_change_status(nomination=nomination, status=Status.AWARDED, by=member)
        latest = nomination.history.first()
        assert (latest.status, latest.history_user, latest.history_change_reason) == (
            Status.AWARDED,
            member,
            "Status: Awarded",
        )


class TestRoles:
    @pytest.mark.parametrize("status", [Status.SHORTLISTED, Status.AWARDED, Status.NOT_SELECTED])
    def test_clerk_cannot_decide(self, staff_user, status):
        nomination = NominationFactory(
            status=Status.IN_REVIEW if status == Status.SHORTLISTED else Status.SHORTLISTED
        )
        before = nomination.status
        with pytest.raises(PermissionDenied):
            nomination_change_status(nomination=nomination, status=status, by=staff_user("clerk"))
        nomination.refresh_from_db()
        assert nomination.status == before

    def test_clerk_can_send_to_review_and_withdraw(self, staff_user):
        clerk = staff_user("clerk")
        nomination = NominationFactory()
        nomination_change_status(nomination=nomination, status=Status.IN_REVIEW, by=clerk)
        nomination_change_status(nomination=nomination, status=Status.WITHDRAWN, by=clerk)
        nomination.refresh_from_db()
        assert nomination.status == Status.WITHDRAWN


class TestMaxAwards:
    def test_award_beyond_max_awards_is_refused(self):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program, max_awards=1)
        first, second = (
            shortlisted(edition=edition, category=category),
            shortlisted(edition=edition, category=category),
        )
        nomination_change_status(nomination=first, status=Status.AWARDED)
        with pytest.raises(ValidationError, match="already has 1 award"):
            nomination_change_status(nomination=second, status=Status.AWARDED)
        second.refresh_from_db()
        assert second.status == Status.SHORTLISTED

    def test_awards_of_another_edition_do_not_count(self):
        category = CategoryFactory(max_awards=1)
        last_year = EditionFactory(program=category.program, year=2020)
        this_year = EditionFactory(program=category.program, year=2021)
        nomination_change_status(
            nomination=shortlisted(edition=last_year, category=category), status=Status.AWARDED
        )
        nomination = shortlisted(edition=this_year, category=category)
        nomination_change_status(nomination=nomination, status=Status.AWARDED)
        assert nomination.status == Status.AWARDED


class TestBulk:
    def test_bulk_reports_changed_unchanged_and_refused_with_reasons(self, staff_user):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program, max_awards=1)
        ok = shortlisted(edition=edition, category=category)
        over_limit = shortlisted(edition=edition, category=category)
        too_early = NominationFactory(edition=edition, category=category)
        already = NominationFactory(edition=edition, status=Status.AWARDED)
        report = nominations_change_status(
            nominations=[ok, over_limit, too_early, already],
            status=Status.AWARDED,
            by=staff_user("committee"),
        )
        assert report.changed == [ok]
        assert report.unchanged == [already]
        reasons = dict(report.refused)
        assert "at most 1" in reasons[over_limit]
        assert "cannot go from Submitted to Awarded" in reasons[too_early]
        assert Nomination.objects.awarded().count() == 2

    def test_bulk_by_clerk_refuses_every_decision(self, staff_user):
        nominations = [shortlisted(), shortlisted()]
        report = nominations_change_status(
            nominations=nominations, status=Status.AWARDED, by=staff_user("clerk")
        )
        assert report.changed == [] and len(report.refused) == 2
        assert not Nomination.objects.awarded().exists()


class TestPublishing:
    def test_editor_schedules_results_and_history_says_who_and_when(self, staff_user):
        editor = staff_user("editor")
        edition = EditionFactory(results_published_at=None)
        at = timezone.now() + datetime.timedelta(days=3)
        edition_publish(edition=edition, at=at, by=editor)
        edition.refresh_from_db()
        assert edition.results_published_at == at
        assert edition.publication_state == "scheduled"
        latest = edition.history.first()
        assert latest.history_user == editor
        assert latest.history_change_reason.startswith("Scheduled for")
        assert not Edition.objects.published().filter(pk=edition.pk).exists()

    def test_unpublishing_returns_edition_to_draft(self):
        edition = EditionFactory()
        edition_publish(edition=edition, at=None)
        edition.refresh_from_db()
        assert edition.publication_state == "draft"

    @pytest.mark.parametrize("role", ["clerk", "committee"])
    def test_only_editors_publish(self, staff_user, role):
        user = staff_user(role)
        edition = EditionFactory(results_published_at=None)
        announcement = AnnouncementFactory(published_at=None)
        with pytest.raises(PermissionDenied):
            edition_publish(edition=edition, at=timezone.now(), by=user)
        with pytest.raises(PermissionDenied):
            announcement_publish(announcement=announcement, at=timezone.now(), by=user)
        edition.refresh_from_db()
        announcement.refresh_from_db()
        assert edition.results_published_at is None and announcement.published_at is None

    def test_naive_time_is_refused(self):
        with pytest.raises(ValidationError, match="time zone"):
            edition_publish(edition=EditionFactory(), at=datetime.datetime(2030, 1, 1))  # noqa: DTZ001

    def test_announcement_publish_now(self, staff_user):
        announcement = AnnouncementFactory(published_at=None)
        announcement_publish(announcement=announcement, at=timezone.now(), by=staff_user("editor"))
        announcement.refresh_from_db()
        assert announcement.is_published
        assert announcement.history.first().history_change_reason == "Published"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite serialises every write transaction, so there is no race to lose.",
)
def test_two_staff_awarding_at_the_same_moment_cannot_exceed_max_awards():
    edition = EditionFactory()
    category = CategoryFactory(program=edition.program, max_awards=1)
    nominations = [shortlisted(edition=edition, category=category) for _ in range(3)]
    start = threading.Barrier(3)
    outcomes = []

    def award(nomination):
        try:
            start.wait()
            nomination_change_status(nomination=nomination, status=Status.AWARDED)
            outcomes.append("awarded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=award, args=(nomination,)) for nomination in nominations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["awarded", "refused", "refused"]
    assert Nomination.objects.awarded().filter(category=category).count() == 1
