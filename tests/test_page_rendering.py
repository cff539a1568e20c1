"""The fast paths of the uncached HTML pages write exactly what Django's own rendering writes
(the filter form's widgets), and the award rows keep their markup: the rows of `/awards/`, the
edition page's recipients."""

import pytest
from django import forms
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.fields import Country

from registry.award_browser import offer_choices
from registry.awards import awards_by_category
from registry.filters import AwardFilter, FastNumberInput, FastSelect, FastTextInput, country_names
from registry.models import Nomination
from registry.views import EDITION_AWARDS_PER_CATEGORY

from .factories import AwardFactory, CategoryFactory, EditionFactory, NomineeFactory, OrganizationFactory

CHOICES = [
    ("", "Any programme"),
    ("plain", "Plain Awards"),
    ('a"b&c', "Tom & Jerry <Awards> \"quoted\" 'single'"),
    ("safe", mark_safe("<b>Already safe</b>")),
    ("lazy", gettext_lazy("Lazy label")),
    (2024, 2024),
    ("plain", "A second option with the same value"),
]
ATTRS = [
    None,
    {"id": "id_program"},
    {
        "id": "id_x",
        "aria-invalid": "true",
        "aria-describedby": "id_x-error",
        "disabled": True,
        "hidden": False,
    },
    {"data-x": 'quote" & <tag>', "required": True},
]


@pytest.mark.parametrize("value", [None, "", "plain", 'a"b&c', 2024, "2024", "unknown", ["plain"]])
@pytest.mark.parametrize("attrs", ATTRS)
def test_fast_select_writes_what_django_select_writes(value, attrs):
    fast = FastSelect(choices=CHOICES, attrs={"class": "x"}).render("program", value, attrs)
    django = forms.Select(choices=CHOICES, attrs={"class": "x"}).render("program", value, attrs)
    assert fast == django


def test_fast_select_marks_only_the_first_matching_option_selected():
    html = FastSelect(choices=CHOICES).render("program", "plain")
    assert html.count(" selected") == 1
    assert '<option value="plain" selected>Plain Awards</option>' in html
    assert (
        '<option value="a&quot;b&amp;c">Tom &amp; Jerry &lt;Awards&gt; &quot;quoted&quot; &#x27;single&#x27;'
        in html
    )


def test_fast_select_leaves_grouped_choices_to_django():
    grouped = [("", "Any"), ("Group <1>", [("a", "A"), ("b", "B")])]
    assert FastSelect(choices=grouped).render("g", "b") == forms.Select(choices=grouped).render("g", "b")


@pytest.mark.parametrize("value", [None, "", "text", 'x" onfocus="alert(1)', 2024, 0])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize(
    ("fast", "django"), [(FastTextInput, forms.TextInput), (FastNumberInput, forms.NumberInput)]
)
def test_fast_inputs_write_what_django_inputs_write(fast, django, value, attrs):
    base = {"min": 1900, "max": 2100, "placeholder": "<e.g.>"}
    assert fast(attrs=base).render("q", value, attrs) == django(attrs=base).render("q", value, attrs)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": 'a "b" <c>', "year": "2021", "kind": "team", "ordering": "-year", "country": "MX"},
        {"program": "<b>", "category": "x y", "year_min": "abc", "kind": "alien", "ordering": "nope"},
    ],
)
def test_award_filter_form_fields_render_as_with_djangos_widgets(data):
    AwardFactory(edition__program__name="Tom & Jerry", edition__program__slug="tom", category__slug="x")
    form = AwardFilter(data, queryset=Nomination.objects.none()).form
    offer_choices(form)
    form.is_valid()
    for field in form:
        widget = field.field.widget
        stock = {FastSelect: forms.Select, FastTextInput: forms.TextInput, FastNumberInput: forms.NumberInput}
        stock_class = next(base for fast, base in stock.items() if isinstance(widget, fast))
        stock_widget = stock_class(attrs=widget.attrs)
        if isinstance(widget, forms.Select):
            stock_widget.choices = widget.choices
        assert str(field) == field.as_widget(widget=stock_widget), field.name


@pytest.mark.django_db
def test_award_list_offers_the_choices_with_the_selection_escaped(client):
    award = AwardFactory(
        edition__program__name="Tom & Jerry <Awards>",
        edition__program__slug="tom-and-jerry",
        category__name='The "Best" Category',
        category__slug="best",
    )
    AwardFactory(edition__program__name="Other Awards", edition__program__slug="other")
    page = client.get("/awards/", {"program": "tom-and-jerry", "category": "best"}).content.decode()
    assert '<select name="program" id="id_program">' in page
    assert '<option value="">Any programme</option>' in page
    assert '<option value="tom-and-jerry" selected>Tom &amp; Jerry &lt;Awards&gt;</option>' in page
    assert '<option value="other">Other Awards</option>' in page
    assert '<option value="best" selected>The &quot;Best&quot; Category</option>' in page
    assert page.index(">Other Awards<") < page.index(">Tom &amp; Jerry")  # ordered by name
    assert award.nominee.name in page


@pytest.mark.django_db
def test_award_list_rows_keep_their_markup(client):
    affiliation = OrganizationFactory(name="Org & Co")
    awards = [
        AwardFactory(
            edition__year=2001,
            nominee__title="Director <General>",
            nominee__affiliation=affiliation,
            nominee__country="MX",
        ),
        AwardFactory(
            edition__year=2002, nominee__title="", nominee__affiliation=affiliation, nominee__country=""
        ),
        AwardFactory(
            edition__year=2003, nominee__title="Chief", nominee__affiliation=None, nominee__country="GB"
        ),
        AwardFactory(
            edition__year=2004, nominee__name="Team <Rocket>", nominee__title="", nominee__affiliation=None
        ),
    ]  # years set: the factory's sequence wraps around after a hundred editions
    metas = [
        'Director &lt;General&gt;, Org &amp; Co <span class="country">(Mexico)</span>',
        "Org &amp; Co",
        'Chief <span class="country">(United Kingdom)</span>',
        '<span class="country">France</span>',  # alone: no brackets, no stray space
    ]
    page = client.get("/awards/").content.decode()
    for award, meta in zip(awards, metas, strict=True):
        row = (
            '\n<li class="award-row">\n'
            f'  <a class="award-row__link" href="{award.get_absolute_url()}">\n'
            f'    <span class="award-row__recipient">{escape(award.nominee.name)}</span>\n'
            f'    <span class="award-row__award">{award.edition.year} · {award.category.name}</span>\n'
            "  </a>\n"
            '  <span class="award-row__meta">\n'
            f"    {meta}\n"
            f'    <span class="award-row__program">{award.edition.program.name}</span>\n'
            "  </span>\n"
            "</li>\n"
        )
        assert row in page, award.nominee.name
    assert page.index("Team &lt;Rocket&gt;") < page.index("Director &lt;General&gt;")  # newest year first


@pytest.mark.django_db
def test_edition_page_lists_recipients_by_category_with_their_details(client):
    edition = EditionFactory(year=2021)
    big = CategoryFactory(program=edition.program, name="Big & Busy", position=0)
    small = CategoryFactory(program=edition.program, name="Small", position=1)
    for i in range(EDITION_AWARDS_PER_CATEGORY + 2):
        AwardFactory(edition=edition, category=big, nominee__name=f"Member {i:02}")
    affiliation = OrganizationFactory(name="Org <One>")
    AwardFactory(
        edition=edition,
        category=small,
        nominee=NomineeFactory(name="Ana", slug="ana", title="Chief", affiliation=affiliation, country="MX"),
    )
    AwardFactory(
        edition=edition,
        category=small,
        nominee=NomineeFactory(name="Bo", title="", affiliation=None, country=""),
    )
    page = client.get(edition.get_absolute_url()).content.decode()
    small_url = reverse(
        "registry:award-detail",
        kwargs={"program": edition.program.slug, "year": 2021, "category": small.slug},
    )
    big_url = reverse(
        "registry:award-detail", kwargs={"program": edition.program.slug, "year": 2021, "category": big.slug}
    )
    assert "· 14 awards</p>" in page
    assert f'<section class="category-group" aria-labelledby="cat-{big.slug}">' in page
    assert f'<h3 id="cat-{small.slug}"><a href="{small_url}">Small</a></h3>' in page
    assert page.count("Member ") == EDITION_AWARDS_PER_CATEGORY
    assert f'<p><a href="{big_url}">All 12 awards in Big &amp; Busy</a></p>' in page
    assert f'href="{small_url}">All' not in page
    assert (
        '<li><a href="/recipients/ana/">Ana</a><span class="muted"> — Chief, Org &lt;One&gt;</span>'
        ' <span class="country muted">(Mexico)</span></li>'
    ) in page
    assert '">Bo</a></li>' in page
    assert page.index("Big &amp; Busy") < page.index(">Small<")


@pytest.mark.django_db
def test_the_edition_page_and_the_api_group_an_editions_awards_alike(client):
    edition = EditionFactory(year=2021)
    # Two categories that tie on position and name: the id decides, on the page as in the API.
    tied = [CategoryFactory(program=edition.program, name="Tie", position=1) for _ in range(2)]
    first = CategoryFactory(program=edition.program, name="First", position=0)
    for category in [*tied, first]:
        for name in ("Zed", "Ann"):
            AwardFactory(edition=edition, category=category, nominee__name=f"{name} {category.pk}")
    groups = awards_by_category(edition.id)
    assert [group.awards[0].category.slug for group in groups] == [first.slug, *[c.slug for c in tied]]
    api = client.get(f"/api/v1/editions/{edition.id}/").json()["categories"]
    assert [(g["slug"], [a["id"] for a in g["awards"]]) for g in api] == [
        (group.slug, [award.id for award in group.awards]) for group in groups
    ]
    page = client.get(edition.get_absolute_url()).content.decode()
    names = [award.recipient.name for group in groups for award in group.awards]
    positions = [page.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)


def test_country_names_are_the_names_country_fields_show():
    assert country_names() == {code: Country(code).name for code, _ in countries}
