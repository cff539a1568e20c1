"""The admin, tried as each role would: what each may do, what the server refuses, and speed."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from registry.models import Announcement, Edition, Nomination, Nominee, Organization

from .factories import (
    AchievementFactory,
    AnnouncementFactory,
    AwardFactory,
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    NomineeFactory,
    PresentationFactory,
)

pytestmark = pytest.mark.django_db
Status = Nomination.Status
CHANGELIST = reverse("admin:registry_nomination_changelist")


def change_url(obj):
    return reverse(f"admin:registry_{obj._meta.model_name}_change", args=[obj.pk])


def nomination_form(nomination, **changes):
    """The change form's POST, as the browser sends it, with `changes` applied."""
    data = {
        "edition": nomination.edition_id,
        "category": nomination.category_id,
        "nominee": nomination.nominee_id,
        "status": nomination.status,
        "citation": nomination.citation,
        "justification": nomination.justification,
        "nominated_by": nomination.nominated_by,
    }
    for prefix in ["achievements", "presentation"]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    return data | changes


def achievements_form(nomination, *rows):
    """The achievements inline's POST: each row a dict of its fields, with "id" if it is stored."""
    data = {
        "achievements-TOTAL_FORMS": len(rows),
        "achievements-INITIAL_FORMS": sum("id" in row for row in rows),
        "achievements-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        fields = {"nomination": nomination.pk, "position": 0, "quantity": "", "description": ""} | row
        data |= {f"achievements-{index}-{name}": value for name, value in fields.items()}
    return data


def presentation_form(presentation, **changes):
    """The presentation inline's POST for the stored `presentation`, with `changes` applied."""
    fields = {
        "id": presentation.pk,
        "nomination": presentation.nomination_id,
        "ceremony": presentation.ceremony_id,
        "presenter_name": presentation.presenter_name,
        "presenter_title": presentation.presenter_title,
        "remarks": presentation.remarks,
    } | changes
    management = {"TOTAL_FORMS": 1, "INITIAL_FORMS": 1, "MAX_NUM_FORMS": 1}
    return {f"presentation-{name}": value for name, value in management.items()} | {
        f"presentation-0-{name}": value for name, value in fields.items()
    }


def nominee_form(nominee, **changes):
    return {
        "kind": nominee.kind,
        "name": nominee.name,
        "slug": nominee.slug,
        "title": nominee.title,
        "affiliation": nominee.affiliation_id or "",
        "country": nominee.country.code or "",
        "biography": nominee.biography,
        "wikidata_id": nominee.wikidata_id,
    } | changes


def edition_form(edition, **changes):
    return {
        "program": edition.program_id,
        "year": edition.year,
        "name": edition.name,
        "nominations_open": "",
        "nominations_close": "",
        "results_published_at_0": "",
        "results_published_at_1": "",
    } | changes


def run_action(client, action, nominations):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [n.pk for n in nominations]}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def form_errors(response):
    """The change form's errors by field, and the inlines' under their prefix."""
    errors = {
        name: " ".join(messages) for name, messages in response.context["adminform"].form.errors.items()
    }
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.non_form_errors():
            errors[inline.formset.prefix] = " ".join(inline.formset.non_form_errors())
    return errors


def embargoed(**kwargs):
    """An edition whose results are scheduled for tomorrow: not public yet."""
    return EditionFactory(results_published_at=timezone.now() + datetime.timedelta(days=1), **kwargs)


def with_role(staff_user, *roles):
    """A staff user in every one of `roles`' groups."""
    from django.contrib.auth.models import Group

    from .conftest import ROLES

    user = staff_user(roles[0])
    user.groups.add(*Group.objects.filter(name__in=[ROLES[role] for role in roles]))
    return user


# What a clerk, the committee or an editor may not change once an award is public.
PUBLIC_TEXT_EDITS = {
    "citation": lambda award: {"citation": "Rewritten."},
    "changed achievement": lambda award: achievements_form(
        award, {"id": award.achievement.pk, "description": "Rewritten", "quantity": 1}
    ),
    "added achievement": lambda award: achievements_form(
        award,
        {"id": award.achievement.pk, "description": award.achievement.description, "quantity": 100},
        {"description": "Added", "quantity": 2},
    ),
    "deleted achievement": lambda award: achievements_form(
        award,
        {
            "id": award.achievement.pk,
            "description": award.achievement.description,
            "quantity": 100,
            "DELETE": "on",
        },
    ),
}


def public_award_with_achievement():
    achievement = AchievementFactory()  # of a public award
    award = achievement.nomination
    award.achievement = achievement
    return award


class TestClerk:
    def test_clerk_adds_a_nominee_and_a_nomination_recorded_as_theirs(self, staff_client):
        client = staff_client("clerk")
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program)
        response = client.post(
            reverse("admin:registry_nominee_add"),
            {"kind": "person", "name": "Ada Example", "slug": "ada-example", "title": "", "country": "MX"},
        )
        assert response.status_code == 302
        nominee = Nominee.objects.get(slug="ada-example")
        data = nomination_form(
            Nomination(edition=edition, category=category, nominee=nominee), status=Status.AWARDED
        )
        response = client.post(reverse("admin:registry_nomination_add"), data)
        assert response.status_code == 302
        nomination = Nomination.objects.get(nominee=nominee)
        # The status is read-only on the add form: a crafted "awarded" is ignored.
        assert nomination.status == Status.SUBMITTED
        assert nomination.created_by.username == "clerk"
        assert nomination.history.first().history_user.username == "clerk"

    def test_clerk_giving_a_nominee_a_slug_of_only_digits_gets_a_form_error(self, staff_client):
        response = staff_client("clerk").post(
            reverse("admin:registry_nominee_add"),
            {"kind": "person", "name": "Ada Example", "slug": "2021", "title": "", "country": "MX"},
        )
        assert response.status_code == 200
        assert "A slug cannot be only digits" in response.content.decode()
        assert not Nominee.objects.exists()

    def test_clerk_posting_awarded_in_the_change_form_gets_a_form_error_and_nothing_changes(
        self, staff_client
    ):
        client = staff_client("clerk")
        nomination = NominationFactory(status=Status.SHORTLISTED)
        response = client.post(change_url(nomination), nomination_form(nomination, status=Status.AWARDED))
        assert response.status_code == 200
        errors = " ".join(response.context["adminform"].form.errors["status"])
        assert "From Shortlisted you may move this nomination only to: Withdrawn." in errors
        assert "Deciding is the awards committee's." in errors
        nomination.refresh_from_db()
        assert nomination.status == Status.SHORTLISTED

    def test_clerk_sends_to_review_in_the_change_form(self, staff_client):
        nomination = NominationFactory()
        response = staff_client("clerk").post(
            change_url(nomination), nomination_form(nomination, status="in_review")
        )
        assert response.status_code == 302
        nomination.refresh_from_db()
        assert nomination.status == Status.IN_REVIEW
        assert nomination.history.first().history_user.username == "clerk"

    def test_final_status_is_read_only_and_a_crafted_change_is_ignored(self, admin_client):
        nomination = NominationFactory(status=Status.WITHDRAWN)
        response = admin_client.post(
            change_url(nomination), nomination_form(nomination, status=Status.AWARDED)
        )
        assert response.status_code == 302
        nomination.refresh_from_db()
        assert nomination.status == Status.WITHDRAWN

    def test_history_can_be_read_but_not_reverted(self, staff_client):
        nomination = NominationFactory(status=Status.SHORTLISTED)
        old = nomination.history.earliest()
        Nomination.objects.filter(pk=nomination.pk).update(citation="Changed.")
        nomination.refresh_from_db()
        url = reverse("admin:registry_nomination_simple_history", args=[nomination.pk, old.history_id])
        client = staff_client("clerk")
        assert client.get(url).status_code == 200
        assert client.post(url, nomination_form(nomination, citation=old.citation)).status_code == 403
        nomination.refresh_from_db()
        assert nomination.citation == "Changed."

    def test_clerk_crafting_the_award_action_changes_nothing(self, staff_client):
        nomination = NominationFactory(status=Status.SHORTLISTED)
        response = run_action(staff_client("clerk"), "mark_awarded", [nomination])
        assert "No action selected." in messages_of(response)
        nomination.refresh_from_db()
        assert nomination.status == Status.SHORTLISTED

    def test_clerk_posting_a_publication_time_is_forbidden(self, staff_client):
        client = staff_client("clerk")
        edition = EditionFactory(results_published_at=None)
        announcement = AnnouncementFactory(published_at=None)
        now = timezone.localtime()
        publish = {"results_published_at_0": f"{now:%Y-%m-%d}", "results_published_at_1": f"{now:%H:%M:%S}"}
        assert client.post(change_url(edition), edition_form(edition, **publish)).status_code == 403
        response = client.post(
            change_url(announcement), {"title": "x", "slug": "x", "published_at_0": "2020-01-01"}
        )
        assert response.status_code == 403
        edition.refresh_from_db()
        announcement.refresh_from_db()
        assert edition.results_published_at is None and announcement.published_at is None

    def test_clerk_sends_to_review_with_the_bulk_action(self, staff_client):
        nominations = NominationFactory.create_batch(3)
        response = run_action(staff_client("clerk"), "mark_in_review", nominations)
        assert "3 nominations sent to review (3 from Submitted)." in messages_of(response)
        assert set(Nomination.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}

    @pytest.mark.parametrize("field", ["edition", "category", "nominee"])
    def test_clerk_moving_a_decided_nomination_gets_a_field_error_and_nothing_is_saved(
        self, staff_client, field
    ):
        nomination = NominationFactory(edition=embargoed(), status=Status.SHORTLISTED, citation="Before.")
        program = nomination.edition.program
        target = {
            "edition": lambda: embargoed(program=program, year=nomination.edition.year + 1),
            "category": lambda: CategoryFactory(program=program),
            "nominee": NomineeFactory,
        }[field]()
        response = staff_client("clerk").post(
            change_url(nomination), nomination_form(nomination, **{field: target.pk, "citation": "After."})
        )
        assert response.status_code == 200
        assert "is a decision, the awards committee's" in form_errors(response)[field]
        stored = Nomination.objects.get(pk=nomination.pk)
        assert (getattr(stored, field), stored.citation) == (getattr(nomination, field), "Before.")

    def test_clerk_moving_an_embargoed_award_into_a_published_edition_is_refused(self, staff_client):
        award = AwardFactory(edition=embargoed(), citation="Embargoed words.")
        published = EditionFactory(program=award.edition.program, year=award.edition.year + 1)
        response = staff_client("clerk").post(change_url(award), nomination_form(award, edition=published.pk))
        assert "the awards committee's" in form_errors(response)["edition"]
        assert not Nomination.objects.public().exists()

    def test_clerk_moves_a_nomination_not_yet_decided_and_history_says_so(self, staff_client):
        nomination = NominationFactory(status=Status.IN_REVIEW)
        other = NomineeFactory()
        response = staff_client("clerk").post(
            change_url(nomination), nomination_form(nomination, nominee=other.pk, citation="New.")
        )
        assert response.status_code == 302
        nomination.refresh_from_db()
        assert (nomination.nominee, nomination.citation) == (other, "New.")
        reasons = list(nomination.history.values_list("history_user__username", "history_change_reason"))
        assert ("clerk", "Moved: nominee") in reasons

    @pytest.mark.parametrize("edit", PUBLIC_TEXT_EDITS)
    def test_clerk_editing_what_the_public_sees_of_a_public_award_gets_an_error(self, staff_client, edit):
        award = public_award_with_achievement()
        response = staff_client("clerk").post(
            change_url(award), nomination_form(award) | PUBLIC_TEXT_EDITS[edit](award)
        )
        assert response.status_code == 200
        assert "changed only by an editor" in " ".join(form_errors(response).values())
        award.refresh_from_db()
        assert award.citation == "For outstanding example work."
        assert list(award.achievements.values_list("description", flat=True)) == ["example things achieved"]

    def test_clerk_edits_the_text_of_an_embargoed_award(self, staff_client):
        achievement = AchievementFactory(nomination__edition=embargoed())
        award = achievement.nomination
        data = nomination_form(award, citation="Draft.") | achievements_form(
            award, {"id": achievement.pk, "description": "Redrafted", "quantity": 5}
        )
        assert staff_client("clerk").post(change_url(award), data).status_code == 302
        award.refresh_from_db()
        achievement.refresh_from_db()
        assert (award.citation, achievement.description) == ("Draft.", "Redrafted")

    @pytest.mark.parametrize("field", ["name", "title"])
    def test_clerk_renaming_a_public_recipient_gets_an_error(self, staff_client, field):
        nominee = AwardFactory(nominee__name="Ada Example").nominee
        response = staff_client("clerk").post(
            change_url(nominee), nominee_form(nominee, **{field: "Changed"})
        )
        assert response.status_code == 200
        assert "changed only by an editor" in " ".join(response.context["adminform"].form.errors[field])
        nominee.refresh_from_db()
        assert (nominee.name, nominee.title) == ("Ada Example", "")

    def test_clerk_renames_a_nominee_without_a_public_award(self, staff_client):
        nominee = AwardFactory(edition=embargoed()).nominee
        response = staff_client("clerk").post(change_url(nominee), nominee_form(nominee, name="Renamed"))
        assert response.status_code == 302
        nominee.refresh_from_db()
        assert nominee.name == "Renamed"

    def test_clerk_sees_no_decision_actions(self, staff_client):
        NominationFactory()
        actions = dict(staff_client("clerk").get(CHANGELIST).context["action_form"].fields["action"].choices)
        assert "mark_in_review" in actions and "mark_withdrawn" in actions
        assert not {"mark_shortlisted", "mark_awarded", "mark_not_selected"} & set(actions)


class TestCommittee:
    def test_committee_awards_in_the_change_form_through_the_service(self, staff_client):
        client = staff_client("committee")
        nomination = NominationFactory(status=Status.SHORTLISTED)
        response = client.post(
            change_url(nomination),
            nomination_form(nomination, status=Status.AWARDED, citation="For courage."),
        )
        assert response.status_code == 302
        nomination.refresh_from_db()
        assert (nomination.status, nomination.citation) == (Status.AWARDED, "For courage.")
        latest = nomination.history.first()
        assert (latest.history_user.username, latest.history_change_reason) == (
            "committee",
            "Status: Awarded",
        )

    def test_change_form_refuses_an_award_beyond_max_awards(self, staff_client):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=category)
        nomination = NominationFactory(edition=edition, category=category, status=Status.SHORTLISTED)
        response = staff_client("committee").post(
            change_url(nomination), nomination_form(nomination, status=Status.AWARDED)
        )
        assert "at most 1" in str(response.context["adminform"].form.errors)
        nomination.refresh_from_db()
        assert nomination.status == Status.SHORTLISTED

    def test_bulk_award_reports_what_changed_and_what_was_refused_and_why(self, staff_client):
        edition = EditionFactory()
        category = CategoryFactory(program=edition.program, max_awards=1)
        first = NominationFactory(edition=edition, category=category, status=Status.SHORTLISTED)
        second = NominationFactory(edition=edition, category=category, status=Status.SHORTLISTED)
        withdrawn = NominationFactory(edition=edition, category=category, status=Status.WITHDRAWN)
        response = run_action(staff_client("committee"), "mark_awarded", [first, second, withdrawn])
        shown = " ".join(messages_of(response))
        assert "1 nomination awarded (1 from Shortlisted)." in shown
        assert "2 nominations refused, unchanged" in shown
        assert "at most 1" in shown and "cannot go from Withdrawn to Awarded" in shown
        assert Nomination.objects.awarded().count() == 1
        assert first.history.first().history_user.username == "committee"

    def test_too_large_a_selection_is_refused_whole(self, staff_client, monkeypatch):
        monkeypatch.setattr("registry.admin.decisions.MAX_BULK", 2)
        nominations = NominationFactory.create_batch(3, status=Status.SHORTLISTED)
        response = run_action(staff_client("committee"), "mark_not_selected", nominations)
        assert "act on at most 2 at a time" in " ".join(messages_of(response))
        assert set(Nomination.objects.values_list("status", flat=True)) == {Status.SHORTLISTED}

    def test_committee_moves_a_shortlisted_nomination_and_history_says_who(self, staff_client):
        nomination = NominationFactory(edition=embargoed(), status=Status.SHORTLISTED)
        category = CategoryFactory(program=nomination.edition.program)
        response = staff_client("committee").post(
            change_url(nomination), nomination_form(nomination, category=category.pk)
        )
        assert response.status_code == 302
        nomination.refresh_from_db()
        assert nomination.category == category
        latest = nomination.history.first()
        assert (latest.history_user.username, latest.history_change_reason) == (
            "committee",
            "Moved: category",
        )

    def test_committee_moving_an_award_into_a_full_category_gets_a_field_error(self, staff_client):
        edition = embargoed()
        full = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=full)
        award = AwardFactory(edition=edition)
        response = staff_client("committee").post(change_url(award), nomination_form(award, category=full.pk))
        assert response.status_code == 200
        assert "already has 1 award in" in form_errors(response)["category"]
        assert Nomination.objects.awarded().filter(category=full).count() == 1

    def test_committee_awarding_into_a_full_category_in_the_same_save_is_refused(self, staff_client):
        edition = embargoed()
        full = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=full)
        nomination = NominationFactory(edition=edition, status=Status.SHORTLISTED)
        response = staff_client("committee").post(
            change_url(nomination), nomination_form(nomination, category=full.pk, status=Status.AWARDED)
        )
        assert "at most 1" in form_errors(response)["status"]
        nomination.refresh_from_db()
        assert (nomination.category, nomination.status) != (full, Status.AWARDED)

    def test_committee_moving_an_embargoed_award_into_a_published_edition_is_refused(self, staff_client):
        award = AwardFactory(edition=embargoed())
        published = EditionFactory(program=award.edition.program, year=award.edition.year + 1)
        response = staff_client("committee").post(
            change_url(award), nomination_form(award, edition=published.pk)
        )
        assert "moves only between editions whose results are not public" in form_errors(response)["edition"]
        assert not Nomination.objects.public().exists()

    @pytest.mark.parametrize("field", ["nominee", "category", "edition"])
    def test_committee_cannot_move_a_public_award(self, staff_client, field):
        award = AwardFactory()
        program = award.edition.program
        runner_up = NominationFactory(edition=award.edition, category=award.category, status="not_selected")
        target = {
            "nominee": runner_up.nominee,
            "category": CategoryFactory(program=program),
            "edition": embargoed(program=program, year=award.edition.year + 1),
        }[field]
        response = staff_client("committee").post(
            change_url(award), nomination_form(award, **{field: target.pk})
        )
        assert "must be revoked and decided anew" in form_errors(response)[field]
        assert Nomination.objects.public().get() == award
        assert getattr(Nomination.objects.get(pk=award.pk), field) == getattr(award, field)

    @pytest.mark.parametrize("edit", [*PUBLIC_TEXT_EDITS, "presentation"])
    def test_committee_editing_what_the_public_sees_of_a_public_award_gets_an_error(self, staff_client, edit):
        award = public_award_with_achievement()
        presentation = PresentationFactory(nomination=award, remarks="As said.")
        changes = (
            presentation_form(presentation, remarks="Rewritten.")
            if edit == "presentation"
            else PUBLIC_TEXT_EDITS[edit](award)
        )
        response = staff_client("committee").post(change_url(award), nomination_form(award) | changes)
        assert response.status_code == 200
        assert "changed only by an editor" in " ".join(form_errors(response).values())
        presentation.refresh_from_db()
        award.refresh_from_db()
        assert (award.citation, presentation.remarks) == ("For outstanding example work.", "As said.")
        assert award.achievements.get().description == "example things achieved"

    def test_committee_awards_with_a_citation_and_achievements_in_one_save(self, staff_client):
        nomination = NominationFactory(status=Status.SHORTLISTED)  # in a published edition
        data = nomination_form(
            nomination, status=Status.AWARDED, citation="For courage."
        ) | achievements_form(nomination, {"description": "lives saved", "quantity": 3})
        assert staff_client("committee").post(change_url(nomination), data).status_code == 302
        award = Nomination.objects.public().get()
        assert (award.citation, award.achievements.get().description) == ("For courage.", "lives saved")

    def test_bulk_actions_cannot_undo_a_public_award(self, staff_client):
        award = AwardFactory()
        client = staff_client("committee")
        for action in ["mark_withdrawn", "mark_not_selected", "mark_in_review"]:
            shown = " ".join(messages_of(run_action(client, action, [award])))
            assert "1 nomination refused, unchanged" in shown and "cannot go from Awarded" in shown
        assert Nomination.objects.public().get() == award

    def test_committee_cannot_publish_or_add_nominations(self, staff_client):
        client = staff_client("committee")
        edition = EditionFactory(results_published_at=None)
        publish = {"results_published_at_0": "2020-01-01", "results_published_at_1": "10:00:00"}
        assert client.post(change_url(edition), edition_form(edition, **publish)).status_code == 403
        assert client.get(reverse("admin:registry_nomination_add")).status_code == 403
        edition.refresh_from_db()
        assert edition.results_published_at is None


class TestEditor:
    def test_editor_schedules_results_and_the_list_says_so(self, staff_client):
        client = staff_client("editor")
        edition = EditionFactory(results_published_at=None)
        at = timezone.localtime() + datetime.timedelta(days=2)
        data = edition_form(
            edition, results_published_at_0=f"{at:%Y-%m-%d}", results_published_at_1=f"{at:%H:%M:00}"
        )
        assert client.post(change_url(edition), data).status_code == 302
        edition.refresh_from_db()
        assert edition.publication_state == "scheduled"
        assert edition.history.first().history_user.username == "editor"
        listing = client.get(reverse("admin:registry_edition_changelist")).content.decode()
        assert f"Scheduled for {at:%Y-%m-%d %H:%M}" in listing

    def test_editor_publishes_now_with_the_action(self, staff_client):
        edition = EditionFactory(results_published_at=None)
        response = staff_client("editor").post(
            reverse("admin:registry_edition_changelist"),
            {"action": "publish_now", "_selected_action": [edition.pk]},
            follow=True,
        )
        assert response.status_code == 200
        assert Edition.objects.published().filter(pk=edition.pk).exists()

    def test_editor_publishes_an_announcement(self, staff_client):
        announcement = AnnouncementFactory(published_at=None)
        staff_client("editor").post(
            reverse("admin:registry_announcement_changelist"),
            {"action": "publish_now", "_selected_action": [announcement.pk]},
        )
        assert Announcement.objects.published().filter(pk=announcement.pk).exists()

    def test_preview_shows_exactly_the_awards_and_no_internal_text(self, staff_client):
        edition = EditionFactory(results_published_at=None)
        AwardFactory(edition=edition, nominee__name="Winner Example", citation="For the public record.")
        NominationFactory(edition=edition, nominee__name="Not Chosen Example", status=Status.NOT_SELECTED)
        page = staff_client("editor").get(change_url(edition)).content.decode()
        assert "Winner Example" in page and "For the public record." in page
        assert "Not Chosen Example" not in page
        assert "Internal reasoning" not in page
        assert "the 1 other nomination of this edition" in page

    def test_announcement_preview_flags_related_awards_that_will_not_be_public(self, staff_client):
        announcement = AnnouncementFactory(published_at=None, summary="Results are out.")
        public = AwardFactory(nominee__name="Public Example")
        hidden = AwardFactory(nominee__name="Embargoed Example", edition__results_published_at=None)
        announcement.related_awards.add(public, hidden)
        page = staff_client("editor").get(change_url(announcement)).content.decode()
        assert "Results are out." in page
        assert f"{public}</li>" in page
        assert f"{hidden} — not public then: it will not be listed" in page

    def test_editor_cannot_decide_a_nomination(self, staff_client):
        nomination = NominationFactory(status=Status.SHORTLISTED)
        client = staff_client("editor")
        response = client.post(change_url(nomination), nomination_form(nomination, status=Status.AWARDED))
        assert "status" in form_errors(response)
        run_action(client, "mark_awarded", [nomination])
        nomination.refresh_from_db()
        assert nomination.status == Status.SHORTLISTED


class TestEditorCorrectsPublicText:
    """Public text is the editors': the Editor role opens nominations and nominees to correct it."""

    def test_committee_cannot_post_a_nominee(self, staff_client):
        nominee = AwardFactory().nominee
        response = staff_client("committee").post(change_url(nominee), nominee_form(nominee, name="Changed"))
        assert response.status_code == 403
        nominee.refresh_from_db()
        assert nominee.name != "Changed"

    @pytest.mark.parametrize("edit", [*PUBLIC_TEXT_EDITS, "presentation"])
    def test_editor_edits_what_the_public_sees(self, staff_client, edit):
        client = staff_client("editor")
        award = public_award_with_achievement()
        presentation = PresentationFactory(nomination=award)
        changes = (
            presentation_form(presentation, remarks="Corrected.")
            if edit == "presentation"
            else PUBLIC_TEXT_EDITS[edit](award)
        )
        response = client.post(change_url(award), nomination_form(award) | changes)
        assert response.status_code == 302, form_errors(response)
        award.refresh_from_db()
        presentation.refresh_from_db()
        edited = {
            "citation": award.citation == "Rewritten.",
            "changed achievement": award.achievements.filter(description="Rewritten").exists(),
            "added achievement": award.achievements.count() == 2,
            "deleted achievement": not award.achievements.exists(),
            "presentation": presentation.remarks == "Corrected.",
        }
        assert edited[edit]

    def test_editor_cannot_move_a_public_award(self, staff_client):
        award = AwardFactory()
        recipient = award.nominee_id
        response = staff_client("editor").post(
            change_url(award), nomination_form(award, nominee=NomineeFactory().pk)
        )
        assert "committee" in form_errors(response)["nominee"]
        award.refresh_from_db()
        assert award.nominee_id == recipient

    def test_editor_renames_a_public_recipient(self, staff_client):
        nominee = AwardFactory().nominee
        response = staff_client("editor").post(
            change_url(nominee), nominee_form(nominee, name="Corrected", title="Dr")
        )
        assert response.status_code == 302
        nominee.refresh_from_db()
        assert (nominee.name, nominee.title) == ("Corrected", "Dr")


class TestSuperuser:
    def test_superuser_corrects_a_public_award_with_history(self, admin_client, admin_user):
        award = AwardFactory()
        runner_up = NominationFactory(edition=award.edition, status=Status.NOT_SELECTED)
        response = admin_client.post(change_url(award), nomination_form(award, nominee=runner_up.nominee.pk))
        assert response.status_code == 302
        award.refresh_from_db()
        assert award.nominee == runner_up.nominee
        latest = award.history.first()
        assert (latest.history_user, latest.history_change_reason) == (admin_user, "Moved: nominee")

    def test_a_move_refused_under_lock_saves_nothing_and_says_why(self, staff_client, monkeypatch):
        edition = embargoed()
        full = CategoryFactory(program=edition.program, max_awards=1)
        AwardFactory(edition=edition, category=full)
        award = AwardFactory(edition=edition, citation="Before.")
        # As if the other award had been made after this form was checked.
        monkeypatch.setattr("registry.admin.nominations.nomination_move_problem", lambda **kwargs: None)
        data = nomination_form(award, category=full.pk, citation="After.") | achievements_form(
            award, {"description": "Added", "quantity": 1}
        )
        response = staff_client("committee").post(change_url(award), data, follow=True)
        assert response.redirect_chain == [(change_url(award), 302)]
        assert any(m.startswith("Nothing was saved: ") and "at most 1" in m for m in messages_of(response))
        stored = Nomination.objects.get(pk=award.pk)
        assert (stored.category, stored.citation, stored.achievements.exists()) == (
            award.category,
            "Before.",
            False,
        )

    def test_an_inline_edit_refused_at_save_saves_nothing(self, staff_client, monkeypatch):
        award = public_award_with_achievement()
        # As if the results had gone public after the form was checked.
        monkeypatch.setattr("registry.admin.nominations.PublicTextFormSet.clean", lambda formset: None)
        data = nomination_form(award, justification="Internal, changed.") | PUBLIC_TEXT_EDITS[
            "changed achievement"
        ](award)
        response = staff_client("committee").post(change_url(award), data, follow=True)
        assert any("Nothing was saved" in m for m in messages_of(response))
        award.refresh_from_db()
        assert award.justification == "Internal reasoning that must never be public."
        assert award.achievements.get().description == "example things achieved"


def test_publication_time_is_read_only_without_the_publish_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="helper", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_edition", "change_edition"]))
    client.force_login(user)
    edition = EditionFactory(results_published_at=None)
    data = edition_form(
        edition, name="Renamed", results_published_at_0="2020-01-01", results_published_at_1="10:00:00"
    )
    assert client.post(change_url(edition), data).status_code == 302
    edition.refresh_from_db()
    assert (edition.name, edition.results_published_at) == ("Renamed", None)


class TestChangelist:
    @pytest.mark.parametrize("rows", [1, 60])
    def test_changelist_queries_do_not_grow_with_rows(
        self, admin_client, django_assert_max_num_queries, rows
    ):
        NominationFactory.create_batch(rows)
        # session, user, count, page of rows (edition, category, nominee joined), filters' small tables.
        with django_assert_max_num_queries(9):
            response = admin_client.get(CHANGELIST)
        assert response.status_code == 200

    def test_search_matches_nominee_category_or_number(self, admin_client):
        # Category names without digits, so a nomination number matches no name.
        ada = NominationFactory(nominee__name="Ada Lovelace", category__name="Courage")
        bob = NominationFactory(nominee__name="Bob Example", category__name="Bravery Award")
        other = NominationFactory(nominee__name="Carol Example", category__name="Service")

        def found(q):
            return set(admin_client.get(CHANGELIST, {"q": q}).context["cl"].result_list)

        assert found("lovelace") == {ada}
        assert found("bravery") == {bob}
        assert found(str(other.pk)) == {other}
        assert found("example bravery") == {bob}
        assert found("9" * 40) == set()

    def test_filters_by_status_programme_category_and_year(self, admin_client):
        awarded = AwardFactory(edition__year=2021)
        NominationFactory(edition__year=2022)
        cl = admin_client.get(CHANGELIST, {"status__exact": "awarded"}).context["cl"]
        assert list(cl.result_list) == [awarded]
        assert list(admin_client.get(CHANGELIST, {"year": "2021"}).context["cl"].result_list) == [awarded]
        params = {"edition__program__id__exact": awarded.edition.program_id, "category": awarded.category_id}
        assert list(admin_client.get(CHANGELIST, params).context["cl"].result_list) == [awarded]

    @pytest.mark.parametrize("query", [{"year": "x" * 1000}, {"category": "1e9"}, {"year": "99999999"}])
    def test_bad_filter_values_do_not_fail(self, admin_client, query):
        assert admin_client.get(CHANGELIST, query).status_code == 200

    def test_every_admin_page_loads(self, admin_client):
        AwardFactory()
        registered = [model for model in admin.site._registry if model._meta.app_label == "registry"]
        assert len(registered) == 8  # every model but the two edited inline (achievements, presentation)
        for model in registered:
            for view in ["changelist", "add"]:
                url = reverse(f"admin:registry_{model._meta.model_name}_{view}")
                assert admin_client.get(url).status_code == 200, url
        nomination = Nomination.objects.get()
        assert admin_client.get(change_url(nomination)).status_code == 200
        assert admin_client.get(change_url(nomination.edition)).status_code == 200
        assert admin_client.get(reverse("admin:registry_nomination_import")).status_code == 200
        assert (
            admin_client.get(reverse("admin:registry_nomination_history", args=[nomination.pk])).status_code
            == 200
        )


class TestExport:
    def test_list_links_to_import_for_clerks_and_to_export_with_the_current_filter(self, staff_client):
        NominationFactory()
        page = staff_client("clerk").get(CHANGELIST, {"status__exact": "submitted"}).content.decode()
        assert reverse("admin:registry_nomination_import") in page
        assert reverse("admin:registry_nomination_export", args=["csv"]) + "?status__exact=submitted" in page

    def test_editor_gets_no_import_link(self, staff_client):
        page = staff_client("editor").get(CHANGELIST).content.decode()
        assert reverse("admin:registry_nomination_import") not in page
        assert reverse("admin:registry_nomination_export", args=["xlsx"]) in page

    def test_csv_export_follows_the_filter_and_defuses_formulas(self, admin_client):
        AwardFactory(citation='=HYPERLINK("http://evil.example")', nominee__name="+Plus Example")
        NominationFactory()
        response = admin_client.get(
            reverse("admin:registry_nomination_export", args=["csv"]), {"status__exact": "awarded"}
        )
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert len(rows) == 1
        assert rows[0]["citation"].startswith("'=") and rows[0]["nominee_name"] == "'+Plus Example"
        assert "justification" in rows[0]

    @pytest.mark.parametrize(
        "payload",
        [
            '=HYPERLINK("http://evil")',
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            '\n=HYPERLINK("http://evil")',
        ],
    )
    def test_csv_export_defuses_every_formula_trigger_as_the_public_csv_does(self, admin_client, payload):
        AwardFactory(citation=payload, nominee__name=payload)
        response = admin_client.get(reverse("admin:registry_nomination_export", args=["csv"]))
        [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        assert (row["citation"], row["nominee_name"]) == ("'" + payload, "'" + payload)

    def test_xlsx_export_stores_formula_like_text_as_text(self, admin_client):
        AwardFactory(citation="=1+2")
        response = admin_client.get(reverse("admin:registry_nomination_export", args=["xlsx"]))
        sheet = load_workbook(io.BytesIO(response.content)).active
        header, row = list(sheet.iter_rows())
        cell = row[[c.value for c in header].index("citation")]
        assert (cell.value, cell.data_type) == ("=1+2", "s")

    def test_export_needs_a_login_and_an_unknown_format_is_404(self, client, admin_client):
        url = reverse("admin:registry_nomination_export", args=["csv"])
        assert client.get(url).status_code == 302
        assert admin_client.get(reverse("admin:registry_nomination_export", args=["pdf"])).status_code == 404
        assert admin_client.get(url, {"nonsense__field": "1"}).status_code == 400


@pytest.mark.parametrize("rows", [1, 50])
def test_other_changelists_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries, rows):
    PresentationFactory.create_batch(
        rows
    )  # each: a nomination, nominee, edition, programme, category, ceremony
    for model in ["organization", "program", "category", "edition", "nominee", "ceremony", "announcement"]:
        # session, user, count(s), the page with its select_related columns, filters' and date drill-down's.
        with django_assert_max_num_queries(9):
            assert admin_client.get(reverse(f"admin:registry_{model}_changelist")).status_code == 200


def test_nominee_autocomplete_finds_by_name_for_a_clerk(staff_client):
    wanted = NomineeFactory(name="Quorlane Example")
    NomineeFactory(name="Someone Else")
    url = reverse("admin:autocomplete")
    params = {"app_label": "registry", "model_name": "nomination", "field_name": "nominee", "term": "quorl"}
    results = staff_client("clerk").get(url, params).json()["results"]
    assert [r["id"] for r in results] == [str(wanted.pk)]


class TestScale:
    def test_deep_pages_show_the_same_rows_as_a_plain_offset(self, admin_client, monkeypatch):
        NominationFactory.create_batch(120)
        expected = list(Nomination.objects.order_by("-id").values_list("pk", flat=True)[50:100])
        monkeypatch.setattr("registry.admin.scale.DEEP_OFFSET", 50)
        page = admin_client.get(CHANGELIST, {"p": "2"}).context["cl"].result_list
        assert [n.pk for n in page] == expected

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Table statistics (pg_class) are PostgreSQL's."
    )
    def test_unfiltered_count_of_a_big_table_is_the_planner_estimate(self, admin_client, monkeypatch):
        NominationFactory.create_batch(30)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_nomination")
        monkeypatch.setattr("registry.admin.scale.ESTIMATE_ABOVE", 10)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(CHANGELIST).context["cl"].result_count == 30
        assert not any("COUNT(*)" in query["sql"] for query in queries)
        filtered = admin_client.get(CHANGELIST, {"status__exact": "awarded"}).context["cl"]
        assert filtered.result_count == 0  # filtered lists are counted exactly


class TestRolesMigration:
    def test_roles_hold_exactly_their_permissions(self):
        from django.contrib.auth.models import Group

        def codenames(name):
            return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

        clerk, committee, editor = (
            codenames("Nomination clerk"),
            codenames("Awards committee"),
            codenames("Editor"),
        )
        assert {"add_nomination", "change_nomination", "add_nominee"} <= clerk
        assert not {"decide_nomination", "publish_edition", "publish_announcement", "change_edition"} & clerk
        assert "decide_nomination" in committee and not {"publish_edition", "add_nomination"} & committee
        assert {"publish_edition", "publish_announcement", "change_edition", "change_nomination"} <= editor
        assert not {"decide_nomination", "add_nomination"} & editor

    def test_running_the_roles_migration_again_resets_a_hand_edited_group(self):
        from importlib import import_module

        from django.contrib.auth.models import Group, Permission
        from django.db.migrations.loader import MigrationLoader

        roles = import_module("registry.migrations.0003_roles")
        clerk = Group.objects.get(name="Nomination clerk")
        before = set(clerk.permissions.all())
        clerk.permissions.add(Permission.objects.get(codename="decide_nomination"))
        state_apps = MigrationLoader(connection).project_state(("registry", "0003_roles")).apps
        roles.create_roles(state_apps, None)
        roles.create_roles(state_apps, None)
        assert set(clerk.permissions.all()) == before
        assert Group.objects.filter(name__in=roles.ROLES).count() == 3


def test_website_typed_without_a_scheme_is_stored_as_https(admin_client):
    response = admin_client.post(
        "/admin/registry/organization/add/",
        {"name": "Example Body", "slug": "example-body", "website": "www.example.org"},
    )
    assert response.status_code == 302, response.content
    assert Organization.objects.get(slug="example-body").website == "https://www.example.org"


@pytest.mark.parametrize(
    "url, message",
    [
        ("javascript:alert(1)", "Enter a valid URL."),
        ("ftp://example.org/file", "The website must start with http:// or https://."),
    ],
)
def test_website_that_is_not_http_or_https_is_refused_with_a_form_error(admin_client, url, message):
    response = admin_client.post(
        "/admin/registry/organization/add/", {"name": "Example Body", "slug": "example-body", "website": url}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organization.objects.filter(slug="example-body").exists()
