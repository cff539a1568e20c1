"""FilterSets shared by the public HTML pages and the JSON API (one per resource)."""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import MAX_YEAR, MIN_YEAR, Category, Ceremony, Edition, Nomination, Nominee, Program


def html_attrs(attrs):
    """The attributes as Django's `django/forms/widgets/attrs.html` writes them."""
    return mark_safe(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


# The public filter form's widgets, written in Python rather than through Django's widget
# templates (a template render per field, and per <option>, was most of an uncached `/awards/`).
# Each writes what Django's own template writes, byte for byte: tests/test_page_rendering.py
# compares them. A custom FORM_RENDERER's templates would not apply to these.


class FastInputMixin:
    """`django/forms/widgets/input.html`."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        value = "" if value is None else f' value="{conditional_escape(str(value))}"'
        attrs = html_attrs(self.build_attrs(self.attrs, attrs))
        input_type, name = conditional_escape(self.input_type), conditional_escape(name)
        return mark_safe(f'<input type="{input_type}" name="{name}"{value}{attrs}>')


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastNumberInput(FastInputMixin, forms.NumberInput):
    pass


class FastSelect(forms.Select):
    """`select.html` and `select_option.html`; a choice list with groups, or a multiple
    select, takes Django's own path."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if self.allow_multiple_selected or any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = self.format_value(value)[0]
        options = []
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            mark = ""
            if option_value == selected:
                mark, selected = " selected", None  # the first match only, as Django's optgroups()
            label = conditional_escape(localize(label))
            options.append(f'\n  <option value="{conditional_escape(option_value)}"{mark}>{label}</option>\n')
        attrs = html_attrs(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{conditional_escape(name)}"{attrs}>{"".join(options)}\n</select>')


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("widget", FastNumberInput)
        super().__init__(*args, **kwargs)


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


# The error code of a programme slug that names no public programme: the pages, the API and the
# feeds all refuse it (a 404 page, a 400 elsewhere) rather than answer an empty list.
UNKNOWN_PROGRAM = "unknown_program"


class PublicProgramSlugField(forms.SlugField):
    """The slug of a programme among `programs()` (the public ones by default). Any other is
    refused exactly like one that does not exist, so the error never tells that it does."""

    default_error_messages = {UNKNOWN_PROGRAM: _("No programme with slug “%(slug)s”.")}

    def __init__(self, *, programs=Program.objects.public, **kwargs):
        super().__init__(**kwargs)
        self.programs = programs

    def clean(self, value):
        value = super().clean(value)
        if value and not self.programs().filter(slug=value).exists():
            raise ValidationError(
                self.error_messages[UNKNOWN_PROGRAM], code=UNKNOWN_PROGRAM, params={"slug": value}
            )
        return value


class ProgramFilter(SlugFilter):
    field_class = PublicProgramSlugField


_countries = {}  # language code -> (((code, name), ...) ordered by name, {code: name})


def _countries_in(language: str):
    found = _countries.get(language)
    if found is None:
        choices = tuple((code, str(name)) for code, name in countries)
        found = _countries[language] = (choices, dict(choices))
    return found


def country_choices():
    """Every country as (code, name), ordered by name in the active language; built once per language.

    Passed as a callable: a FilterSet deep-copies its filters for every request, and a copied
    list of ~250 lazily translated names cost ~0.6 ms; a callable is copied by reference.
    """
    return _countries_in(get_language())[0]


def country_names() -> dict[str, str]:
    """Country code → name in the active language, built once per language: what `Country.name`
    gives, which looks the code up and translates it on every call."""
    return _countries_in(get_language())[1]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering that always ends on the primary key, so pages never repeat or skip rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            last_descending = self.get_ordering_value(value[-1]).startswith("-")
            qs = qs.order_by(*qs.query.order_by, "-id" if last_descending else "id")
        return qs


class AwardFilter(django_filters.FilterSet):
    """Filters for public awards: `/awards/`, `/api/v1/awards/` and the feeds."""

    q = django_filters.CharFilter(
        method="filter_search", max_length=200, label="Search", widget=FastTextInput
    )
    program = ProgramFilter(field_name="edition__program__slug", label="Programme")
    year = YearFilter(field_name="year", label="Year")
    year_min = YearFilter(field_name="year", lookup_expr="gte", label="From year")
    year_max = YearFilter(field_name="year", lookup_expr="lte", label="To year")
    category = SlugFilter(field_name="category__slug", label="Category")
    country = django_filters.ChoiceFilter(
        field_name="nominee__country",
        choices=country_choices,
        label="Country",
        empty_label="Any country",
        widget=FastSelect,
    )
    kind = django_filters.ChoiceFilter(
        field_name="nominee__kind",
        choices=Nominee.Kind.choices,
        label="Kind",
        empty_label="Any kind",
        widget=FastSelect,
    )
    ordering = StableOrderingFilter(
        fields=[
            ("year", "year"),
            ("category__name", "category"),
            ("nominee__name", "recipient"),
            ("published_at", "published_at"),
        ],
        label="Order by",
        empty_label="Newest first",
        widget=FastSelect,
    )

    class Meta:
        model = Nomination
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


# --- FilterSets of the other API resources (programmes, editions, recipients, ceremonies) ---


class CategoryFilter(django_filters.FilterSet):
    program = ProgramFilter(field_name="program__slug", label="Programme")

    class Meta:
        model = Category
        fields = []


class EditionFilter(django_filters.FilterSet):
    program = ProgramFilter(field_name="program__slug", label="Programme")
    year = YearFilter(field_name="year", label="Year")

    class Meta:
        model = Edition
        fields = []


class RecipientFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(field_name="country", choices=country_choices, label="Country")
    kind = django_filters.ChoiceFilter(field_name="kind", choices=Nominee.Kind.choices, label="Kind")

    class Meta:
        model = Nominee
        fields = []


def programs_with_public_ceremonies():
    """Public programmes, and those whose ceremonies are announced ahead of their first results."""
    ceremonies = Ceremony.objects.public().filter(edition__program=OuterRef("pk"))
    return Program.objects.filter(Q(pk__in=Program.objects.public().values("pk")) | Exists(ceremonies))


class CeremonyFilter(django_filters.FilterSet):
    program = ProgramFilter(
        field_name="edition__program__slug", label="Programme", programs=programs_with_public_ceremonies
    )
    year = YearFilter(field_name="edition__year", label="Year")
    country = django_filters.ChoiceFilter(field_name="country", choices=country_choices, label="Country")

    class Meta:
        model = Ceremony
        fields = []


class AwardFeedFilter(AwardFilter):
    """The award filters a feed takes; a feed refuses other query parameters."""

    FEED_FILTERS = ("program", "category", "country", "year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.FEED_FILTERS}


def award_feed_query(params) -> str:
    """The feed filters among `params` (a QueryDict) as a query string, e.g. for a page's feed links."""
    return urlencode({name: params[name] for name in AwardFeedFilter.FEED_FILTERS if params.get(name)})
