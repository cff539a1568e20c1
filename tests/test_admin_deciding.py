"""The committee decides in one step, from the change form or the bulk actions, and every implied
move is in the history."""

import pytest
from django.urls import reverse

from registry.models import Nomination

from .factories import AwardFactory, NominationFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status
CHANGELIST = reverse("admin:registry_nomination_changelist")


def run_action(client, action, nominations):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [n.pk for n in nominations]}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def status_moves(nomination):
    rows = nomination.history.filter(history_change_reason__startswith="Status:").order_by("history_id")
    return [(row.history_change_reason, row.history_user.username) for row in rows]


def status_options(client, nomination):
    response = client.get(reverse("admin:registry_nomination_change", args=[nomination.pk]))
    return [label for _, label in response.context["adminform"].form.fields["status"].choices]


def test_bulk_award_from_any_earlier_status_says_what_changed_from_what(staff_client):
    submitted = NominationFactory(status=Status.SUBMITTED)
    in_review = NominationFactory.create_batch(2, status=Status.IN_REVIEW)
    already = AwardFactory()
    response = run_action(staff_client("committee"), "mark_awarded", [submitted, *in_review, already])
    assert messages_of(response) == [
        "3 nominations awarded (1 from Submitted, 2 from In review); 1 skipped: already awarded."
    ]
    assert Nomination.objects.awarded().count() == 4
    assert status_moves(submitted) == [
        ("Status: In review", "committee"),
        ("Status: Shortlisted", "committee"),
        ("Status: Awarded", "committee"),
    ]
    assert status_moves(in_review[0]) == [
        ("Status: Shortlisted", "committee"),
        ("Status: Awarded", "committee"),
    ]


def test_bulk_not_selected_in_one_step_with_a_single_change_in_the_singular(staff_client):
    nomination = NominationFactory(status=Status.IN_REVIEW)
    response = run_action(staff_client("committee"), "mark_not_selected", [nomination])
    assert messages_of(response) == ["1 nomination marked not selected (1 from In review)."]
    nomination.refresh_from_db()
    assert nomination.status == Status.NOT_SELECTED


def test_bulk_award_only_skipped_is_not_reported_as_a_success(staff_client):
    response = run_action(staff_client("committee"), "mark_awarded", AwardFactory.create_batch(2))
    [message] = response.context["messages"]
    assert (str(message), message.level_tag) == ("2 skipped: already awarded.", "info")


def test_bulk_award_queries_grow_only_with_the_moves_made(staff_client, django_assert_max_num_queries):
    client = staff_client("committee")
    nominations = NominationFactory.create_batch(10, status=Status.SHORTLISTED)
    # Six per nomination, in its own transaction: its locks (category, nomination), the max_awards
    # count, the save, its history row and its search text; the request's own besides.
    with django_assert_max_num_queries(22 + 6 * 10):
        response = run_action(client, "mark_awarded", nominations)
    assert Nomination.objects.awarded().count() == 10
    assert response.status_code == 200


def test_committee_awards_a_submitted_nomination_in_the_change_form(staff_client):
    client = staff_client("committee")
    nomination = NominationFactory(status=Status.SUBMITTED)
    assert status_options(client, nomination) == [
        "Submitted",
        "In review",
        "Shortlisted",
        "Awarded",
        "Not selected",
        "Withdrawn",
    ]
    data = {
        "edition": nomination.edition_id,
        "category": nomination.category_id,
        "nominee": nomination.nominee_id,
        "status": Status.AWARDED,
        "citation": "For courage.",
    }
    for prefix in ["achievements", "presentation"]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    response = client.post(reverse("admin:registry_nomination_change", args=[nomination.pk]), data)
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.citation) == (Status.AWARDED, "For courage.")
    assert [reason for reason, _ in status_moves(nomination)] == [
        "Status: In review",
        "Status: Shortlisted",
        "Status: Awarded",
    ]


def test_clerk_is_offered_no_decision_even_several_moves_away(staff_client):
    nomination = NominationFactory(status=Status.SUBMITTED)
    assert status_options(staff_client("clerk"), nomination) == ["Submitted", "In review", "Withdrawn"]
