"""Writes that span rows or need a lock. Admin actions, imports and tests all call these."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Announcement, Category, Edition, Nomination

# Moves that decide a nomination's fate: only the awards committee (decide_nomination) makes them.
DECISIONS = frozenset(
    {Nomination.Status.SHORTLISTED, Nomination.Status.AWARDED, Nomination.Status.NOT_SELECTED}
)


def nomination_status_permitted(*, user, status: str) -> bool:
    """Whether `user` may move a nomination to `status` (None: the system, e.g. a command)."""
    return user is None or status not in DECISIONS or user.has_perm("registry.decide_nomination")


def nomination_status_problem(
    *, nomination: Nomination, status: str, current: str | None = None
) -> str | None:
    """Why `nomination` cannot go to `status` now (transition or `max_awards`), or None.

    Without a lock this is advice for a form; `nomination_change_status` asks again under lock.
    """
    status = Nomination.Status(status)
    current = Nomination.Status(current or nomination.status)
    if current == status:
        return None
    if not Nomination.transition_allowed(current, status):
        return f"A nomination cannot go from {current.label} to {status.label}."
    if status == Nomination.Status.AWARDED:
        category = nomination.category
        if category.max_awards is not None:
            awarded = (
                Nomination.objects.awarded()
                .filter(edition_id=nomination.edition_id, category_id=nomination.category_id)
                .count()
            )
            if awarded >= category.max_awards:
                return (
                    f"{category.name} already has {awarded} award(s) in this edition "
                    f"(at most {category.max_awards})."
                )
    return None


def nomination_change_status(*, nomination: Nomination, status: str, by=None) -> Nomination:
    """Move a nomination to `status`, following the allowed transitions and `max_awards`.

    Awarding locks the category row, so two staff awarding in the same category at the same
    moment are serialised and the second sees the first's award when it counts.
    """
    status = Nomination.Status(status)
    if not nomination_status_permitted(user=by, status=status):
        raise PermissionDenied(
            f"You may not mark a nomination {status.label}: that is the committee's decision."
        )
    with transaction.atomic():
        if status == Nomination.Status.AWARDED:
            # Lock order: category first, then the nomination, everywhere, to avoid deadlocks.
            category = Category.objects.select_for_update().get(pk=nomination.category_id)
        current = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if current.status == status:
            return current
        if status == Nomination.Status.AWARDED:
            current.category = category
        problem = nomination_status_problem(nomination=current, status=status)
        if problem:
            raise ValidationError({"status": problem})
        current.status = status
        if by is not None:
            current._history_user = by
        current._change_reason = f"Status: {status.label}"
        current.save(update_fields=["status", "updated_at"])
    nomination.status = current.status
    nomination._loaded_status = current.status
    return current


@dataclass
class BulkStatusReport:
    """What a bulk status change did, nomination by nomination."""

    changed: list[Nomination] = field(default_factory=list)
    unchanged: list[Nomination] = field(default_factory=list)
    refused: list[tuple[Nomination, str]] = field(default_factory=list)


def nominations_change_status(*, nominations: Iterable[Nomination], status: str, by=None) -> BulkStatusReport:
    """Apply `nomination_change_status` to each nomination; one refusal does not stop the rest.

    Each nomination is its own transaction, so what was changed stays changed and the report
    says exactly which were refused and why.
    """
    report = BulkStatusReport()
    for nomination in nominations:
        before = nomination.status
        try:
            nomination_change_status(nomination=nomination, status=status, by=by)
        except PermissionDenied as exc:
            report.refused.append((nomination, str(exc)))
        except ValidationError as exc:
            report.refused.append((nomination, " ".join(exc.message_dict.get("status", exc.messages))))
        else:
            (report.unchanged if before == status else report.changed).append(nomination)
    return report


def _publication_reason(at: datetime.datetime | None, now: datetime.datetime) -> str:
    if at is None:
        return "Unpublished (back to draft)"
    if at > now:
        return f"Scheduled for {at:%Y-%m-%d %H:%M %Z}"
    return "Published"


def _set_publication_time(*, instance, field: str, permission: str, at: datetime.datetime | None, by):
    """Set `instance.<field>` under a row lock, with who and why in its history."""
    if by is not None and not by.has_perm(f"registry.{permission}"):
        raise PermissionDenied(f"You may not publish {instance._meta.verbose_name_plural}.")
    if at is not None and timezone.is_naive(at):
        raise ValidationError("A publication time needs a time zone.")
    with transaction.atomic():
        current = type(instance).objects.select_for_update().get(pk=instance.pk)
        setattr(current, field, at)
        if by is not None:
            current._history_user = by
        current._change_reason = _publication_reason(at, timezone.now())
        current.save(update_fields=[field])
    setattr(instance, field, at)
    return current


def edition_publish(*, edition: Edition, at: datetime.datetime | None, by=None) -> Edition:
    """Set when an edition's results go public: now, later (embargo), or never (None: draft)."""
    return _set_publication_time(
        instance=edition, field="results_published_at", permission="publish_edition", at=at, by=by
    )


def announcement_publish(
    *, announcement: Announcement, at: datetime.datetime | None, by=None
) -> Announcement:
    """Set when an announcement goes public: now, later (scheduled), or never (None: draft)."""
    return _set_publication_time(
        instance=announcement, field="published_at", permission="publish_announcement", at=at, by=by
    )
