"""The API's filter backend (separate module: REST_FRAMEWORK settings import it while DRF loads)."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from ..query_parameters import unknown_parameters


class ApiFilterBackend(DjangoFilterBackend):
    """Filters list endpoints, and reports every malformed or unknown query parameter at once in
    one 400 (the view names the parameters it reads: `PublicViewSet.query_parameters`)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        # No filter named in the query: nothing to filter or validate, so no FilterSet and form to build.
        wanted = filterset_class is not None and any(
            name in request.query_params for name in filterset_class.base_filters
        )
        filterset = self.get_filterset(request, queryset, view) if wanted else None
        errors = unknown_parameters(request.query_params, view.query_parameters())
        if filterset is not None and not filterset.is_valid():
            errors.update({name: list(messages) for name, messages in filterset.errors.items()})
        if view.paginator is not None:
            errors.update(view.paginator.query_param_errors(request))
        if errors:
            raise ValidationError(errors)
        return filterset.qs if filterset is not None else queryset
