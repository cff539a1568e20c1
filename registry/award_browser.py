"""The award browser's filter form (`/awards/` and its `/awards.csv`): `AwardFilter`, whose
drop-downs offer only what the public awards hold, and which refuses a reversed year range.

The choices are read whenever the page is rendered. The page is a stored public answer under
the public-state token (registry/http_cache.py), so they are never kept anywhere else.
"""

from urllib.parse import urlencode

from django import forms
from django.db import router
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import sql
from .filters import AwardFilter, FastSelect, country_choices, country_names
from .http_cache import kept_for_answer
from .models import Category, Edition, Nomination, Program

# The filters behind "More filters": the disclosure starts open when one of them is set.
ADVANCED_FILTERS = ("program", "category", "year", "year_min", "year_max", "country", "kind", "ordering")


class AwardBrowserForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        year_min, year_max = cleaned_data.get("year_min"), cleaned_data.get("year_max")
        if year_min is not None and year_max is not None and year_min > year_max:
            # Matches nothing: say why rather than show an empty list.
            self.add_error("year_min", _("The “from” year is after the “to” year."))
        return cleaned_data


class AwardBrowserFilter(AwardFilter):
    """`AwardFilter` as the pages take it. The API keeps its own contract (docs/api.md)."""

    class Meta(AwardFilter.Meta):
        form = AwardBrowserForm


def offer_choices(form) -> None:
    """Drop-downs of what the public awards hold: the public programmes; the categories of the
    chosen programme (of every public one when none is chosen); the countries of the recipients
    and the years. Only the widgets change: the filters still take any slug, country code or year
    (the API's contract); a value that is valid but not offered stays offered and selected, so the
    form never hides a filter it applies.
    """
    program = form.data.get("program") if "program" not in form.errors else None  # not a slug: no narrowing
    programs, categories, country_codes, years = kept_for_answer(
        f"award-choices|{program or ''}", lambda: public_choices(program)
    )
    year_choices = [(str(year), str(year)) for year in years]
    offer(form, "program", _("Any programme"), programs)
    offer(form, "category", _("Any category"), dict(categories).items())
    countries = [(code, name) for code, name in country_choices() if code in country_codes]
    offer(form, "country", _("Any country"), countries, country_names().get)
    offer(form, "year", _("Any year"), year_choices)
    offer(form, "year_min", _("Any"), year_choices)
    offer(form, "year_max", _("Any"), year_choices)


def public_choices(program: str | None):
    """(programmes, categories, country codes, years) of the public awards, as plain lists: the
    country list reads every public award, so `offer_choices()` keeps them under the token.

    The unnarrowed queries are compiled once (`registry.sql`): compiling them cost more than
    running them.
    """
    alias, now = router.db_for_read(Nomination), timezone.now()
    programs = sql.fetch(
        alias,
        "program-choices",
        lambda: Program.objects.public(sql.STAND_IN_NOW).values_list("slug", "name").order_by("name"),
        now=now,
    )
    if program:
        categories = (
            Category.objects.public(now)
            .filter(program__slug=program)
            .values_list("slug", "name")
            .order_by("name", "slug")
        )
    else:
        # DISTINCT: categories share slugs and names across programmes (840 rows → a dozen at scale).
        categories = sql.fetch(
            alias,
            "category-choices",
            lambda: (
                Category.objects.public(sql.STAND_IN_NOW)
                .values_list("slug", "name")
                .order_by("name", "slug")
                .distinct()
            ),
            now=now,
        )
    country_codes = sql.fetch(
        alias,
        "country-choices",
        lambda: (
            Nomination.objects.public(sql.STAND_IN_NOW)
            .exclude(nominee__country="")
            .values_list("nominee__country")
            .order_by()
            .distinct()
        ),
        now=now,
    )
    # From the editions: a few hundred rows, each checked by an index, not every award.
    years = sql.fetch(
        alias,
        "year-choices",
        lambda: (
            Edition.objects.published(sql.STAND_IN_NOW)
            .filter(Exists(Nomination.objects.public(sql.STAND_IN_NOW).filter(edition=OuterRef("pk"))))
            .values_list("year")
            .order_by("-year")
            .distinct()
        ),
        now=now,
    )
    return (
        [tuple(row) for row in programs],
        [tuple(row) for row in categories],
        {code for (code,) in country_codes},
        [year for (year,) in years],
    )


def offer(form, name: str, empty_label, choices, label_of=None) -> None:
    """A drop-down of `choices` for the filter `name`, plus the value the request gave it when
    that value is valid and not among them (labelled by `label_of(value)`, else the value)."""
    choices = [("", empty_label), *choices]
    selected = form.data.get(name)
    if selected and name not in form.errors and selected not in {value for value, label in choices}:
        choices.append((selected, (label_of and label_of(selected)) or selected))
    form.fields[name].widget = FastSelect(choices=choices)


def more_filters_in_use(form) -> bool:
    """Whether any filter behind "More filters" has a value, so the disclosure starts open."""
    return any(form.data.get(name) for name in ADVANCED_FILTERS)


def filter_query(params) -> str:
    """The filters of `params` (a QueryDict) as a query string, without the empty ones a form
    sends and without the page number: for the links that keep the filters."""
    return urlencode(
        [(name, value) for name, values in params.lists() if name != "page" for value in values if value]
    )
