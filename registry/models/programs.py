"""Who confers awards and how: organisations, programmes, their categories and yearly editions."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .paths import edition_path, program_path

MIN_YEAR = 1900
MAX_YEAR = 2100

wikidata_id_validator = RegexValidator(
    r"^Q[1-9][0-9]{0,11}$", "Enter a Wikidata item id such as Q42 (a Q and digits)."
)


def slug_not_only_digits(value: str) -> None:
    """An API detail URL takes an id or a slug (`/api/v1/programs/ero-annual-awards/`) and reads
    digits alone as an id, so a slug of a resource the API serves is never only digits."""
    if value.isascii() and value.isdigit():
        raise ValidationError(
            _("A slug cannot be only digits (it would read as an id); add a word, e.g. “awards-2021”."),
            code="slug_only_digits",
        )


def publication_state(at: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """ "draft" (no time), "scheduled" (a time to come) or "published", of a publication time."""
    if at is None:
        return "draft"
    return "scheduled" if at > (now or timezone.now()) else "published"


def time_zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of that IANA name; the default zone (settings.TIME_ZONE) for none or an unknown one."""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def publication_label(at: datetime.datetime | None, time_zone: str | None = None) -> str:
    """Draft / Scheduled for … / Published …, as staff read it in the admin and the history.

    The time is given in `time_zone` (the programme's, `publication_time_zone`), or else the
    active zone, and followed by that zone's name.
    """
    state = publication_state(at)
    if state == "draft":
        return gettext("Draft")
    zone = time_zone_named(time_zone) if time_zone else timezone.get_current_timezone()
    local = f"{timezone.localtime(at, zone):%Y-%m-%d %H:%M} {zone.key}"
    if state == "scheduled":
        return gettext("Scheduled for %(time)s") % {"time": local}
    return gettext("Published %(time)s") % {"time": local}


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. America/Mexico_City).")


# The site links to stored URLs, so only web addresses may be stored: a `javascript:` or `data:`
# link would run in the visitor's browser. The database refuses the rest (`web_url_condition`),
# whatever writes the row; the surfaces still show a URL only through `web_url()`, so that no row
# that escaped the constraint (a dump restored without it) ever becomes a link.
WEB_URL_PREFIXES = ("http://", "https://")


def web_url_condition(field: str) -> Q:
    """`field` is blank or starts with http:// or https://, in any case."""
    condition = Q(**{field: ""})
    for prefix in WEB_URL_PREFIXES:
        condition |= Q(**{f"{field}__istartswith": prefix})
    return condition


def web_url(value: str | None) -> str:
    """`value` if it is an http or https URL, otherwise "": the one test before any URL is shown."""
    return value if value and value.lower().startswith(WEB_URL_PREFIXES) else ""


class Organization(models.Model):
    """A conferring body or a nominee's affiliation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True, default="", help_text="Acronym, e.g. ERO.")
    country = CountryField(blank=True, default="", help_text="Where the organisation is based.")
    website = models.URLField(blank=True, default="")
    wikidata_id = models.CharField(
        "Wikidata id", max_length=13, blank=True, default="", validators=[wikidata_id_validator]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=web_url_condition("website"),
                name="organization_website_http_or_https",
                violation_error_message="The website must start with http:// or https://.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Its members' nominations are found by its name (looked up by name: that module imports this one).
        nominations = self._meta.apps.get_model("registry", "Nomination").objects
        nominations.filter(nominee__affiliation=self).refresh_search_text()


class ProgramQuerySet(models.QuerySet):
    def public(self, now=None):
        """Programmes with at least one edition whose results are live; their categories are public too."""
        return self.filter(Exists(Edition.objects.published(now).filter(program=OuterRef("pk"))))


class Program(models.Model):
    """An awards series run by one organisation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, validators=[slug_not_only_digits])
    conferred_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="programs")
    description = models.TextField(blank=True, default="")
    website = models.URLField(blank=True, default="")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_(
            "IANA time zone in which staff type and read the publication times of this programme's "
            "editions and announcements, e.g. America/Mexico_City. They are stored in UTC."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=web_url_condition("website"),
                name="program_website_http_or_https",
                violation_error_message="The website must start with http:// or https://.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return program_path(self.slug)


class CategoryQuerySet(models.QuerySet):
    def public(self, now=None):
        """The categories of public programmes: each has its public page, awards or not yet."""
        return self.filter(program__in=Program.objects.public(now))


class Category(models.Model):
    """An award category of a programme, shown in `position` order."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="categories", verbose_name=_("programme")
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, help_text="Unique within the programme.", validators=[slug_not_only_digits]
    )
    description = models.TextField(blank=True, default="")
    eligibility = models.TextField(blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order; lowest first.")
    is_active = models.BooleanField(default=True, help_text="Inactive categories take no new nominations.")
    max_awards = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Most awards per edition; leave blank for no limit.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["program", "position", "name", "id"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["program", "slug"], name="unique_category_slug_per_program"),
            models.CheckConstraint(
                condition=Q(max_awards__isnull=True) | Q(max_awards__gte=1),
                name="category_max_awards_at_least_one",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Keep the nominations' copies in step (Nomination.category_position, search_text).
        self.nominations.exclude(category_position=self.position).update(category_position=self.position)
        self.nominations.refresh_search_text()

    def get_absolute_url(self):
        return reverse(
            "registry:category-detail", kwargs={"program": self.program.slug, "category": self.slug}
        )


class EditionQuerySet(models.QuerySet):
    def published(self, now=None):
        """Editions whose results are live (published and past any embargo)."""
        return self.filter(results_published_at__lte=now or timezone.now())


class Edition(models.Model):
    """One year of a programme; its results go public at `results_published_at`."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="editions", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text="The award year; ceremonies may fall in a later year.",
    )
    name = models.CharField(max_length=200, blank=True, default="", help_text='Blank: "{year} {programme}".')
    nominations_open = models.DateField(null=True, blank=True)
    nominations_close = models.DateField(null=True, blank=True)
    results_published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Blank: unpublished. A future time: embargoed until then, then public automatically.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["program", "-year", "id"]
        permissions = [("publish_edition", "Can publish or schedule an edition's results")]
        # The newest published year, which bounds every award list (NominationQuerySet.in_award_order).
        indexes = [models.Index(fields=["-year"], name="edition_newest_year")]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="unique_edition_year_per_program"),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="edition_year_in_range"
            ),
            models.CheckConstraint(
                condition=Q(nominations_open__isnull=True)
                | Q(nominations_close__isnull=True)
                | Q(nominations_close__gte=models.F("nominations_open")),
                name="edition_nominations_close_after_open",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.name and self.program_id:
            self.name = f"{self.year} {self.program.name}"
        super().save(*args, **kwargs)
        # Keep the nominations' copies (sort and filter keys, registry/models/nominations.py) in step.
        self.nominations.exclude(year=self.year, published_at=self.results_published_at).update(
            year=self.year, published_at=self.results_published_at
        )

    def get_absolute_url(self):
        return edition_path(self.program.slug, self.year)

    @property
    def is_published(self) -> bool:
        return self.results_published_at is not None and self.results_published_at <= timezone.now()

    @property
    def publication_state(self) -> str:
        return publication_state(self.results_published_at)

    @property
    def publication_time_zone(self) -> str:
        """The zone staff type and read `results_published_at` in: the programme's."""
        return self.program.time_zone
