"""Read-only API viewsets. Every queryset starts from a visibility-rule QuerySet method."""

from rest_framework import viewsets

from ..filters import AwardFilter
from ..models import Nomination
from .serializers import AwardSerializer


class AwardViewSet(viewsets.ReadOnlyModelViewSet):
    """Public awards, newest edition first."""

    serializer_class = AwardSerializer
    filterset_class = AwardFilter

    def get_queryset(self):
        return (
            Nomination.objects.public()
            .select_related("edition__program", "category", "nominee__affiliation", "presentation__ceremony")
            .prefetch_related("achievements")
            .order_by("-edition__year", "category__position", "id")
        )
