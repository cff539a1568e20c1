"""The nominations list's filters: each reads a small table, never every nomination."""

from django.contrib import admin

from ..models import Category, Edition
from .scale import as_id


class YearListFilter(admin.SimpleListFilter):
    """Years from the editions table: the default filter would scan every nomination for them."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Edition.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        year = as_id(self.value())
        if year is None:
            return queryset
        # Edition ids, not a join: the count can then use the (status, edition) index alone.
        return queryset.filter(
            edition__in=list(Edition.objects.filter(year=year).values_list("pk", flat=True))
        )


class CategoryListFilter(admin.SimpleListFilter):
    """The categories of the programme chosen in the programme filter (hidden until one is)."""

    title = "category"
    parameter_name = "category"
    program_parameter = "edition__program__id__exact"

    def lookups(self, request, model_admin):
        program = request.GET.get(self.program_parameter, "")
        if not program.isdigit() or len(program) > 18:
            return []
        return [
            (str(pk), name) for pk, name in Category.objects.filter(program=program).values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and len(value) <= 18:
            return queryset.filter(category_id=int(value))
        return queryset
