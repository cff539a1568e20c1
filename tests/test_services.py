"""The write services: status moves (transitions, roles, max_awards, concurrency), moves of decided
nominations, the public text of public awards, and publishing."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from registry.models import Edition, Nomination
from registry.public_state import public_state
from registry.services import (
    announcement_publish,
    edition_publish,
    nomination_change_status,
    nomination_edit,
    nomination_move,
    nomination_public_text_problem,
    nominations_change_status,
    nominee_edit,
)

from .factories import (
    AchievementFactory,
    AnnouncementFactory,
    AwardFactory,
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    NomineeFactory,
)

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
            (Status.IN_REVIEW, Status.NOT_SELECTED),
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
            (Status.AWARDED, Status.WITHDRAWN),
            (Status.AWARDED, Status.NOT_SELECTED),
            (Status.WITHDRAWN, Status.AWARDED),
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


class TestDecidingInOneStep:
    @pytest.mark.parametrize(
        ("start", "end", "recorded"),
        [
            (Status.SUBMITTED, Status.AWARDED, ["In review", "Shortlisted", "Awarded"]),
            (Status.IN_REVIEW, Status.AWARDED, ["Shortlisted", "Awarded"]),
            (Status.SHORTLISTED, Status.AWARDED, ["Awarded"]),
            (Status.SUBMITTED, Status.NOT_SELECTED, ["In review", "Not selected"]),  # never shortlisted
            (Status.SHORTLISTED, Status.NOT_SELECTED, ["Not selected"]),
            (Status.IN_REVIEW, Status.SHORTLISTED, ["Shortlisted"]),
        ],
    )
    def test_committee_decides_from_any_earlier_status_and_history_records_each_move(
        self, staff_user, start, end, recorded
    ):
        member = staff_user("committee")
        nomination = NominationFactory(status=start)
        nomination_change_status(nomination=nomination, status=end, by=member)
        nomination.refresh_from_db()
        assert nomination.status == end
        moves = nomination.history.filter(history_change_reason__startswith="Status:").order_by("history_id")
        assert [(row.history_change_reason, row.status, row.history_user) for row in moves] == [
            (f"Status: {label}", Status(status), member)
            for label, status in zip(recorded, Nomination.status_path(start, end), strict=True)
        ]

    def test_clerk_cannot_award_a_submitted_nomination_and_nothing_is_recorded(self, staff_user):
        nomination = NominationFactory()
        with pytest.raises(PermissionDenied):
            nomination_change_status(nomination=nomination, status=Status.AWARDED, by=staff_user("clerk"))
        nomination.refresh_from_db()
        assert nomination.status == Status.SUBMITTED
        assert not nomination.history.filter(history_change_reason__startswith="Status:").exists()

    def test_one_step_award_beyond_max_awards_leaves_no_step_behind(self):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=category)
        nomination = NominationFactory(edition=edition, category=category)
        with pytest.raises(ValidationError, match="at most 1"):
            nomination_change_status(nomination=nomination, status=Status.AWARDED)
        nomination.refresh_from_db()
        assert nomination.status == Status.SUBMITTED  # not left in review nor shortlisted


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
        withdrawn = NominationFactory(edition=edition, category=category, status=Status.WITHDRAWN)
        already = NominationFactory(edition=edition, status=Status.AWARDED)
        report = nominations_change_status(
            nominations=[ok, over_limit, withdrawn, already],
            status=Status.AWARDED,
            by=staff_user("committee"),
        )
        assert report.changed == [ok]
        assert report.changed_from == {Status.SHORTLISTED: 1}
        assert report.unchanged == [already]
        reasons = dict(report.refused)
        assert "at most 1" in reasons[over_limit]
        assert "cannot go from Withdrawn to Awarded" in reasons[withdrawn]
        assert Nomination.objects.awarded().count() == 2

    def test_bulk_award_counts_what_each_was_before(self, staff_user):
        nominations = [
            NominationFactory(status=status) for status in [Status.SUBMITTED, *[Status.IN_REVIEW] * 2]
        ]
        report = nominations_change_status(
            nominations=nominations, status=Status.AWARDED, by=staff_user("committee")
        )
        assert report.changed == nominations
        assert report.changed_from == {Status.SUBMITTED: 1, Status.IN_REVIEW: 2}

    def test_bulk_by_clerk_refuses_every_decision(self, staff_user):
        nominations = [shortlisted(), shortlisted()]
        report = nominations_change_status(
            nominations=nominations, status=Status.AWARDED, by=staff_user("clerk")
        )
        assert report.changed == [] and len(report.refused) == 2
        assert not Nomination.objects.awarded().exists()


def embargoed(**kwargs):
    """An edition whose results are scheduled for tomorrow: not public yet."""
    return EditionFactory(results_published_at=timezone.now() + datetime.timedelta(days=1), **kwargs)


def move(nomination, by=None, **targets):
    """`nomination_move` to `targets`, the rest staying where the nomination is."""
    current = {"edition": nomination.edition, "category": nomination.category, "nominee": nomination.nominee}
    return nomination_move(nomination=nomination, **(current | targets), by=by)


class TestMove:
    @pytest.mark.parametrize("status", [Status.SHORTLISTED, Status.AWARDED, Status.NOT_SELECTED])
    @pytest.mark.parametrize("role", ["clerk", "editor"])
    def test_only_the_committee_moves_a_decided_nomination(self, staff_user, role, status):
        edition = embargoed()
        nomination = NominationFactory(edition=edition, status=status)
        other = CategoryFactory(program=edition.program)
        with pytest.raises(ValidationError, match="is a decision, the awards committee's"):
            move(nomination, category=other, by=staff_user(role))
        nomination.refresh_from_db()
        assert nomination.category != other

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.IN_REVIEW, Status.WITHDRAWN])
    def test_clerk_moves_a_nomination_not_yet_decided(self, staff_user, status):
        nomination = NominationFactory(status=status)
        other = NomineeFactory()
        move(nomination, nominee=other, by=staff_user("clerk"))
        nomination.refresh_from_db()
        assert nomination.nominee == other

    def test_committee_move_is_recorded_in_history_with_who_and_what(self, staff_user):
        member = staff_user("committee")
        edition = embargoed()
        nomination = AwardFactory(edition=edition)
        later = embargoed(program=edition.program, year=edition.year + 1)
        category = CategoryFactory(program=edition.program)
        move(nomination, edition=later, category=category, by=member)
        nomination.refresh_from_db()
        assert (nomination.edition, nomination.category, nomination.year) == (later, category, later.year)
        latest = nomination.history.first()
        assert (latest.edition_id, latest.history_user, latest.history_change_reason) == (
            later.pk,
            member,
            "Moved: edition, category",
        )

    def test_embargoed_award_cannot_move_into_a_published_edition(self, staff_user):
        embargo = embargoed()
        published = EditionFactory(program=embargo.program, year=embargo.year + 1)
        nomination = AwardFactory(edition=embargo, citation="Embargoed words.")
        with pytest.raises(ValidationError, match="results of .* are public"):
            move(nomination, edition=published, by=staff_user("committee"))
        nomination.refresh_from_db()
        assert nomination.edition == embargo
        assert not Nomination.objects.public().exists()

    def test_decided_nomination_does_not_leave_a_published_edition(self, staff_user):
        nomination = NominationFactory(status=Status.NOT_SELECTED)  # in a published edition
        later = embargoed(program=nomination.edition.program, year=nomination.edition.year + 1)
        with pytest.raises(ValidationError, match="only between editions whose results are not public"):
            move(nomination, edition=later, by=staff_user("committee"))

    def test_scheduled_results_are_not_public_yet(self, staff_user):
        nomination = AwardFactory(edition=embargoed())
        later = embargoed(program=nomination.edition.program, year=nomination.edition.year + 1)
        move(nomination, edition=later, by=staff_user("committee"))
        nomination.refresh_from_db()
        assert nomination.edition == later

    @pytest.mark.parametrize("by", ["committee", None])
    def test_public_award_is_never_moved(self, staff_user, by):
        award = AwardFactory()
        runner_up = NominationFactory(edition=award.edition, category=award.category, status="not_selected")
        with pytest.raises(ValidationError, match="must be revoked and decided anew"):
            move(award, nominee=runner_up.nominee, by=staff_user(by) if by else None)
        award.refresh_from_db()
        assert Nomination.objects.public().get().nominee == award.nominee

    def test_superuser_corrects_a_public_award_and_the_public_state_moves(self, admin_user):
        award = AwardFactory()
        newer = AwardFactory(edition=award.edition)  # so the newest public row stays the same
        embargo = embargoed(program=award.edition.program, year=award.edition.year + 1)
        before = public_state().token
        move(award, edition=embargo, by=admin_user)
        assert list(Nomination.objects.public()) == [newer]
        assert public_state().token != before
        assert award.history.first().history_user == admin_user

    def test_move_into_a_full_category_is_refused(self, staff_user):
        edition = embargoed()
        full = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=full)
        nomination = AwardFactory(edition=edition)
        with pytest.raises(ValidationError, match="already has 1 award"):
            move(nomination, category=full, by=staff_user("committee"))
        nomination.refresh_from_db()
        assert Nomination.objects.awarded().filter(category=full).count() == 1

    def test_move_into_an_edition_whose_category_is_full_is_refused(self, staff_user):
        category = CategoryFactory(max_awards=1)
        this_year = embargoed(program=category.program, year=2030)
        next_year = embargoed(program=category.program, year=2031)
        AwardFactory(edition=next_year, category=category)
        nomination = AwardFactory(edition=this_year, category=category)
        with pytest.raises(ValidationError, match="already has 1 award"):
            move(nomination, edition=next_year, by=staff_user("committee"))

    def test_shortlisted_nomination_may_join_a_full_category(self, staff_user):
        edition = embargoed()
        full = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=full)
        nomination = NominationFactory(edition=edition, status=Status.SHORTLISTED)
        move(nomination, category=full, by=staff_user("committee"))
        with pytest.raises(ValidationError, match="already has 1 award"):
            nomination_change_status(nomination=nomination, status=Status.AWARDED)

    def test_category_of_another_programme_is_refused(self, staff_user):
        nomination = NominationFactory(edition=embargoed(), status=Status.SHORTLISTED)
        with pytest.raises(ValidationError, match="another programme"):
            move(nomination, category=CategoryFactory(), by=staff_user("committee"))

    def test_move_onto_an_existing_nomination_is_refused(self, staff_user):
        nomination = NominationFactory(edition=embargoed(), status=Status.SHORTLISTED)
        other = NominationFactory(edition=nomination.edition, category=nomination.category)
        with pytest.raises(ValidationError, match="already exists"):
            move(nomination, nominee=other.nominee, by=staff_user("committee"))


class TestPublicText:
    @pytest.mark.parametrize("role", ["clerk", "committee"])
    def test_public_award_citation_needs_an_editor(self, staff_user, role):
        award = AwardFactory(citation="As published.")
        award.citation = "Rewritten."
        with pytest.raises(PermissionDenied, match="changed only by an editor"):
            nomination_edit(nomination=award, changed=["citation"], by=staff_user(role))
        award.refresh_from_db()
        assert award.citation == "As published."

    def test_editor_changes_a_public_citation(self, staff_user):
        editor = staff_user("editor")
        award = AwardFactory()
        award.citation = "Corrected."
        nomination_edit(nomination=award, changed=["citation"], by=editor)
        award.refresh_from_db()
        assert award.citation == "Corrected."
        assert award.history.first().history_user == editor

    def test_embargoed_award_citation_stays_the_committees(self, staff_user):
        award = AwardFactory(edition=embargoed())
        award.citation = "Still a draft."
        award.justification = "Internal."
        nomination_edit(nomination=award, changed=["citation", "justification"], by=staff_user("committee"))
        award.refresh_from_db()
        assert (award.citation, award.justification) == ("Still a draft.", "Internal.")

    def test_internal_notes_of_a_public_award_stay_editable(self, staff_user):
        award = AwardFactory()
        award.justification = "More reasoning."
        nomination_edit(nomination=award, changed=["justification"], by=staff_user("clerk"))
        award.refresh_from_db()
        assert award.justification == "More reasoning."

    def test_refused_move_saves_none_of_the_other_edits(self, staff_user):
        edition = embargoed()
        full = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=full)
        nomination = AwardFactory(edition=edition, citation="Before.")
        nomination.category, nomination.citation = full, "After."
        with pytest.raises(ValidationError):
            nomination_edit(
                nomination=nomination, changed=["category", "citation"], by=staff_user("committee")
            )
        nomination.refresh_from_db()
        assert nomination.citation == "Before."

    def test_awarding_counts_in_the_category_the_nomination_moves_to(self, staff_user):
        edition = embargoed()
        full = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=full)
        nomination = NominationFactory(edition=edition, status=Status.SHORTLISTED)
        nomination.category, nomination.status = full, Status.AWARDED
        with pytest.raises(ValidationError, match="already has 1 award"):
            nomination_edit(nomination=nomination, changed=["category", "status"], by=staff_user("committee"))
        nomination.refresh_from_db()
        assert (nomination.category, nomination.status) != (full, Status.AWARDED)

    @pytest.mark.parametrize("role", ["clerk", "committee"])
    def test_public_recipients_name_and_title_need_an_editor(self, staff_user, role):
        nominee = AwardFactory(nominee__name="Ada Example").nominee
        nominee.name = "Someone Else"
        with pytest.raises(PermissionDenied, match="public award"):
            nominee_edit(nominee=nominee, changed=["name"], by=staff_user(role))
        nominee.refresh_from_db()
        assert nominee.name == "Ada Example"

    def test_editor_renames_a_public_recipient(self, staff_user):
        nominee = AwardFactory().nominee
        nominee.title = "Director"
        nominee_edit(nominee=nominee, changed=["title"], by=staff_user("editor"))
        nominee.refresh_from_db()
        assert nominee.title == "Director"

    def test_nominee_without_a_public_award_stays_the_clerks(self, staff_user):
        nominee = AwardFactory(edition=embargoed()).nominee
        nominee.name = "Renamed"
        nominee_edit(nominee=nominee, changed=["name"], by=staff_user("clerk"))
        nominee.refresh_from_db()
        assert nominee.name == "Renamed"

    @pytest.mark.parametrize(("role", "may"), [("clerk", False), ("committee", False), ("editor", True)])
    def test_achievements_and_presentation_of_a_public_award_are_the_editors(self, staff_user, role, may):
        user = staff_user(role)
        public = AchievementFactory().nomination
        assert (nomination_public_text_problem(nomination=public, by=user) is None) == may
        assert nomination_public_text_problem(nomination=AwardFactory(edition=embargoed()), by=user) is None


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
        assert announcement.history.first().history_change_reason.startswith("Published ")


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite serialises every write transaction, so there is no race to lose.",
)
def test_two_awards_moved_into_a_category_at_the_same_moment_cannot_exceed_max_awards():
    edition = embargoed()
    full_soon = CategoryFactory(program=edition.program, max_awards=1)
    awards = [AwardFactory(edition=edition) for _ in range(3)]
    start = threading.Barrier(3)
    outcomes = []

    def move_in(award):
        try:
            start.wait()
            move(award, category=full_soon)
            outcomes.append("moved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=move_in, args=(award,)) for award in awards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["moved", "refused", "refused"]
    assert Nomination.objects.awarded().filter(category=full_soon).count() == 1
