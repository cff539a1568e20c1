"""Public querysets the API builds on, all derived from the visibility-rule QuerySet methods."""

from django.db.models import Exists, OuterRef

from ..models import Edition, Nomination, Program


def award_queryset():
    """Public awards with every relation the award representation reads, in the default order."""
    return (
        Nomination.objects.public()
        .select_related("edition__program", "category", "nominee__affiliation", "presentation__ceremony")
        .prefetch_related("achievements")
        .in_award_order()
    )


def public_programs(now=None):
    """Programmes with at least one published edition; the categories of others are not public yet."""
    return Program.objects.filter(Exists(Edition.objects.published(now).filter(program=OuterRef("pk"))))
