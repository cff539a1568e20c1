"""The API's filter backend (separate module: REST_FRAMEWORK settings import it while DRF loads)."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class ApiFilterBackend(DjangoFilterBackend):
    """Filters list endpoints, and reports every malformed query parameter at once in one 400."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        errors = {}
        if filterset is not None and not filterset.is_valid():
            errors.update({name: list(messages) for name, messages in filterset.errors.items()})
        if view.paginator is not None:
            errors.update(view.paginator.query_param_errors(request))
        if errors:
            raise ValidationError(errors)
        return filterset.qs if filterset is not None else queryset
