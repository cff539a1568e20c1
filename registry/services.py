"""Writes that span rows or need a lock. Admin actions, imports and tests all call these."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .models import Announcement, Category, Edition, Nomination, Nominee, publication_label

# Moves that decide a nomination's fate: only the awards committee (decide_nomination) makes them.
# A nomination in one of these states is decided: re-pointing it is a decision too.
DECISIONS = frozenset(
    {Nomination.Status.SHORTLISTED, Nomination.Status.AWARDED, Nomination.Status.NOT_SELECTED}
)
# What a nomination is about. Changing any of them goes through `nomination_move`.
MOVE_FIELDS = ("edition", "category", "nominee")
# What the public sees of an award and its recipient, besides its edition and category (the
# achievements and the presentation are shown with the citation). Once the award is public,
# only an editor changes them: `nomination_public_text_problem`, `nominee_public_text_problem`.
PUBLIC_NOMINATION_FIELDS = frozenset({"citation"})
PUBLIC_NOMINEE_FIELDS = frozenset({"name", "title"})


def nomination_status_permitted(*, user, status: str, current: str | None = None) -> bool:
    """Whether `user` may move a nomination to `status` (None: the system, e.g. a command).

    From `current`, every status on the way (`Nomination.status_path`) must be permitted too.
    """
    steps = [status] if current is None else Nomination.status_path(current, status) or [status]
    return user is None or all(
        step not in DECISIONS or user.has_perm("registry.decide_nomination") for step in steps
    )


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
                return ngettext(
                    "%(category)s already has %(count)d award in this edition (at most %(most)d).",
                    "%(category)s already has %(count)d awards in this edition (at most %(most)d).",
                    awarded,
                ) % {"category": category.name, "count": awarded, "most": category.max_awards}
    return None


def nomination_change_status(*, nomination: Nomination, status: str, by=None) -> Nomination:
    """Move a nomination to `status`, following the allowed transitions and `max_awards`.

    A status more than one move away is reached in one go through each status between
    (`Nomination.status_path`): the committee awards a submitted nomination in one step, and the
    history records every move (in review, shortlisted, awarded), each by `by`, who needs the
    permission of every one.

    Awarding locks the category row, so two staff awarding in the same category at the same
    moment are serialised and the second sees the first's award when it counts.
    """
    status = Nomination.Status(status)
    with transaction.atomic():
        if status == Nomination.Status.AWARDED:
            # Lock order: category first, then the nomination, everywhere, to avoid deadlocks.
            category = Category.objects.select_for_update().get(pk=nomination.category_id)
        current = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if not nomination_status_permitted(user=by, status=status, current=current.status):
            raise PermissionDenied(
                gettext("You may not mark a nomination %(status)s: that is the committee's decision.")
                % {"status": status.label}
            )
        if current.status == status:
            return current
        if status == Nomination.Status.AWARDED:
            current.category = category
        problem = nomination_status_problem(nomination=current, status=status)
        if problem:
            raise ValidationError({"status": problem})
        for step in Nomination.status_path(current.status, status):  # a save, a history row, each
            current.status = step
            if by is not None:
                current._history_user = by
            current._change_reason = f"Status: {step.label}"
            current.save(update_fields=["status", "updated_at"])
    nomination.status = current.status
    nomination._loaded_status = current.status
    return current


@dataclass
class BulkStatusReport:
    """What a bulk status change did, nomination by nomination."""

    changed: list[Nomination] = field(default_factory=list)
    changed_from: Counter[str] = field(default_factory=Counter)  # how many changed from each status
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
            if before == status:
                report.unchanged.append(nomination)
            else:
                report.changed.append(nomination)
                report.changed_from[before] += 1
    return report


def public_text_permitted(*, user) -> bool:
    """Whether `user` may change what the public already sees (None: the system, e.g. a command)."""
    return user is None or user.has_perm("registry.publish_edition")


def nomination_public_text_problem(*, nomination: Nomination, by) -> str | None:
    """Why `by` may not change the citation, achievements or presentation of `nomination`, or None.

    Once an award is public, what the public reads of it is the editors' (publish_edition), as
    publishing is. The award is judged as stored, so the save that awards it may still set them.
    """
    if nomination.pk is None or public_text_permitted(user=by):
        return None
    if not Nomination.objects.public().filter(pk=nomination.pk).exists():
        return None
    return (
        "This award is public: its citation, achievements and presentation are changed only by "
        "an editor (who may publish results)."
    )


def nominee_public_text_problem(*, nominee: Nominee, by) -> str | None:
    """Why `by` may not change the name or title of `nominee` (a public recipient's), or None."""
    if nominee.pk is None or public_text_permitted(user=by):
        return None
    if not Nominee.objects.recipients().filter(pk=nominee.pk).exists():
        return None
    return (
        "This nominee has a public award: their name and title are changed only by an editor "
        "(who may publish results)."
    )


def nominee_edit(*, nominee: Nominee, changed: Iterable[str], by=None) -> Nominee:
    """Save an edit of a stored nominee whose `changed` fields hold new values, if `by` may make it."""
    if set(changed) & PUBLIC_NOMINEE_FIELDS:
        problem = nominee_public_text_problem(nominee=nominee, by=by)
        if problem:
            raise PermissionDenied(problem)
    nominee.save()
    return nominee


def nomination_move_problem(
    *, nomination: Nomination, edition: Edition, category: Category, nominee: Nominee, by
) -> str | None:
    """Why `by` may not point `nomination` (as stored) at this edition, category and nominee, or None.

    Re-pointing a decided nomination is a decision: the committee's, and only while neither
    edition's results are public (an embargo is not public yet). A public award is never moved:
    it is revoked and decided anew. Until revocation exists, a superuser may still make either
    correction, by name (the system, None, may not), so the history says who. An award moved to
    another edition or category counts against that category's `max_awards`. The programme and
    the one-nomination-per-key rules are the model's (`Nomination.full_clean`).

    Without a lock this is advice for a form; `nomination_move` asks again under lock.
    """
    if (edition.pk, category.pk, nominee.pk) == (
        nomination.edition_id,
        nomination.category_id,
        nomination.nominee_id,
    ):
        return None
    status = Nomination.Status(nomination.status)
    if status in DECISIONS:
        if not nomination_status_permitted(user=by, status=status):
            return (
                f"This nomination is {status.label.lower()}: changing its edition, category or nominee "
                "is a decision, the awards committee's."
            )
        if by is None or not by.is_superuser:
            if status == Nomination.Status.AWARDED and nomination.edition.is_published:
                return (
                    "This award is public and cannot be moved: it must be revoked and decided anew "
                    "(until then, only a superuser can change it)."
                )
            for results in (nomination.edition, edition):
                if results.is_published:
                    return (
                        f"The results of {results} are public: a {status.label.lower()} nomination "
                        "moves only between editions whose results are not public."
                    )
    counted_elsewhere = (edition.pk, category.pk) != (nomination.edition_id, nomination.category_id)
    if status == Nomination.Status.AWARDED and counted_elsewhere and category.max_awards is not None:
        awarded = Nomination.objects.awarded().filter(edition=edition, category=category).count()
        if awarded >= category.max_awards:
            return ngettext(
                "%(category)s already has %(count)d award in %(edition)s (at most %(most)d).",
                "%(category)s already has %(count)d awards in %(edition)s (at most %(most)d).",
                awarded,
            ) % {"category": category.name, "count": awarded, "edition": edition, "most": category.max_awards}
    return None


def nomination_move(
    *, nomination: Nomination, edition: Edition, category: Category, nominee: Nominee, by=None
) -> Nomination:
    """Point `nomination` at another edition, category or nominee, under `nomination_move_problem`.

    Locks the old and the new category (in id order), then the nomination, as the status moves
    do, so `max_awards` holds against awards and moves made at the same moment.
    """
    with transaction.atomic():
        stored_category = Nomination.objects.values_list("category_id", flat=True).get(pk=nomination.pk)
        categories = Category.objects.select_for_update().filter(pk__in={stored_category, category.pk})
        locked = {locked.pk: locked for locked in categories.order_by("pk")}
        current = Nomination.objects.select_for_update().select_related("edition").get(pk=nomination.pk)
        if current.category_id != stored_category:
            raise ValidationError("This nomination was changed meanwhile: reload it and try again.")
        category = locked[category.pk]
        problem = nomination_move_problem(
            nomination=current, edition=edition, category=category, nominee=nominee, by=by
        )
        if problem:
            raise ValidationError(problem)
        targets = {"edition": edition, "category": category, "nominee": nominee}
        moved = [name for name in MOVE_FIELDS if getattr(current, f"{name}_id") != targets[name].pk]
        if not moved:
            return current
        for name in moved:
            setattr(current, name, targets[name])
        current.full_clean()  # the category's programme, one nomination per edition, category and nominee
        if by is not None:
            current._history_user = by
        current._change_reason = f"Moved: {', '.join(moved)}"
        current.save(update_fields=[*moved, "updated_at"])
    for name in moved:
        setattr(nomination, name, targets[name])
    return current


def nomination_edit(*, nomination: Nomination, changed: Iterable[str], by=None) -> Nomination:
    """Save a staff edit of a stored nomination whose `changed` fields hold new values: all or nothing.

    The public text is checked first, against the award as stored; then a move goes through
    `nomination_move`, the other fields are saved, and the status goes through
    `nomination_change_status` last, so an award counts in the category it ends up in.
    """
    changed = set(changed)
    moved = changed & set(MOVE_FIELDS)
    other = changed - moved - {"status"}
    status = nomination.status
    with transaction.atomic():
        if changed & PUBLIC_NOMINATION_FIELDS:
            problem = nomination_public_text_problem(nomination=nomination, by=by)
            if problem:
                raise PermissionDenied(problem)
        if moved:
            nomination_move(
                nomination=nomination,
                edition=nomination.edition,
                category=nomination.category,
                nominee=nomination.nominee,
                by=by,
            )
        if other:
            # The history row of this save shows the stored status; the status move writes its own.
            nomination.status = Nomination.objects.values_list("status", flat=True).get(pk=nomination.pk)
            if by is not None:
                nomination._history_user = by
            nomination.save(update_fields=[*sorted(other), "updated_at"])
            nomination.status = status
        if "status" in changed:
            nomination_change_status(nomination=nomination, status=status, by=by)
    return nomination


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
        current._change_reason = publication_label(at, instance.publication_time_zone)
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
