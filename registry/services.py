"""Writes that span rows or need a lock. Admin actions, imports and tests all call these."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Category, Nomination


def nomination_change_status(*, nomination: Nomination, status: str, by=None) -> Nomination:
    """Move a nomination to `status`, following the allowed transitions and `max_awards`.

    Awarding locks the category row, so two staff awarding in the same category at the same
    moment are serialised and the second sees the first's award when it counts.
    """
    status = Nomination.Status(status)
    with transaction.atomic():
        if status == Nomination.Status.AWARDED:
            # Lock order: category first, then the nomination, everywhere, to avoid deadlocks.
            category = Category.objects.select_for_update().get(pk=nomination.category_id)
        current = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if current.status == status:
            return current
        if not Nomination.transition_allowed(current.status, status):
            raise ValidationError(
                {"status": f"A nomination cannot go from {current.get_status_display()} to {status.label}."}
            )
        if status == Nomination.Status.AWARDED and category.max_awards is not None:
            awarded = (
                Nomination.objects.awarded()
                .filter(edition_id=current.edition_id, category_id=current.category_id)
                .count()
            )
            if awarded >= category.max_awards:
                raise ValidationError(
                    {
                        "status": f"{category.name} already has {awarded} award(s) in this edition "
                        f"(at most {category.max_awards})."
                    }
                )
        current.status = status
        if by is not None:
            current._history_user = by
        current.save(update_fields=["status", "updated_at"])
    nomination.status = current.status
    nomination._loaded_status = current.status
    return current
