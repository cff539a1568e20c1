"""Public querysets the API builds on, all derived from the visibility-rule QuerySet methods."""

from ..models import Nomination


def award_queryset():
    """Public awards with every relation the award representation reads, in the default order."""
    return (
        Nomination.objects.public()
        .select_related("edition__program", "category", "nominee__affiliation", "presentation__ceremony")
        .prefetch_related("achievements")
        .in_award_order()
    )
