"""The registry's data model (SPEC §3).

The one visibility rule lives in `NominationQuerySet.public()`: an award is public iff its
status is `awarded` and its edition's `results_published_at` is set and not in the future.
Every other public read (recipients, editions, ceremonies) is derived from it.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Trim
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .search import Fold, query_words

MIN_YEAR = 1900
MAX_YEAR = 2100

wikidata_id_validator = RegexValidator(
    r"^Q[1-9][0-9]{0,11}$", "Enter a Wikidata item id such as Q42 (a Q and digits)."
)


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


# The public pages of the rows an award links to, by the slugs in their URLs: each model's
# `get_absolute_url()` and the award row (registry/awards.py) build them here.


def program_path(program: str) -> str:
    return reverse("registry:program-detail", kwargs={"program": program})


def edition_path(program: str, year: int) -> str:
    return reverse("registry:edition-detail", kwargs={"program": program, "year": year})


def award_path(program: str, year: int, category: str) -> str:
    """The page of a category's awards in an edition: every one of them links to it."""
    return reverse("registry:award-detail", kwargs={"program": program, "year": year, "category": category})


def recipient_path(slug: str) -> str:
    return reverse("registry:recipient-detail", kwargs={"slug": slug})


def ceremony_path(slug: str) -> str:
    return reverse("registry:ceremony-detail", kwargs={"slug": slug})


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
        Nomination.objects.filter(nominee__affiliation=self).refresh_search_text()  # members are found by it


class ProgramQuerySet(models.QuerySet):
    def public(self, now=None):
        """Programmes with at least one edition whose results are live; their categories are public too."""
        return self.filter(Exists(Edition.objects.published(now).filter(program=OuterRef("pk"))))


class Program(models.Model):
    """An awards series run by one organisation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    conferred_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="programs")
    description = models.TextField(blank=True, default="")
    website = models.URLField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
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


class Category(models.Model):
    """An award category of a programme, shown in `position` order."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="categories")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, help_text="Unique within the programme.")
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

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="editions")
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
        # Keep the nominations' copies (sort and filter keys, registry/models.py Nomination) in step.
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
        if self.results_published_at is None:
            return "draft"
        return "published" if self.is_published else "scheduled"


class NomineeQuerySet(models.QuerySet):
    def recipients(self, now=None):
        """Nominees with at least one public award."""
        public_awards = Nomination.objects.public(now).filter(nominee=OuterRef("pk"))
        return self.filter(Exists(public_awards))


class NomineeKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"
    TEAM = "team", "Team"


class Nominee(models.Model):
    """A person, organisation or team that can be nominated."""

    Kind = NomineeKind

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=200, blank=True, default="", help_text='e.g. "Director General".')
    affiliation = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    country = CountryField(blank=True, default="")
    biography = models.TextField(blank=True, default="")
    photo = models.ImageField(upload_to="nominees/", blank=True, default="")
    wikidata_id = models.CharField(
        "Wikidata id", max_length=13, blank=True, default="", validators=[wikidata_id_validator]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = NomineeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NomineeKind.values), name="nominee_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.nominations.refresh_search_text()  # found by name and affiliation

    def get_absolute_url(self):
        return recipient_path(self.slug)


# The default order of public award lists: newest year first, then edition and category order.
# It reads only the nomination row (the copied keys), so an index serves it; the primary key
# makes it total, so pages never repeat or skip rows.
AWARD_ORDER = ("-year", "edition_id", "category_position", "id")


class NominationQuerySet(models.QuerySet):
    def public(self, now=None):
        """The one visibility rule: awarded, in an edition whose results are live.

        The edition's own `results_published_at` decides. The nomination's copy of it is also
        required to be past, which can only ever hide (should a bulk write skip the copy), never
        show; it lets the ordering indexes start at the present rather than walk every row of an
        embargoed edition first.
        """
        now = now or timezone.now()
        return self.filter(
            status=Nomination.Status.AWARDED, edition__results_published_at__lte=now, published_at__lte=now
        )

    def awarded(self):
        return self.filter(status=Nomination.Status.AWARDED)

    def in_award_order(self, now=None):
        """In `AWARD_ORDER`, from the newest year that has published results.

        No public award is newer than the newest published edition, so the bound changes no
        result; it lets the ordering index start there instead of walking every award of an
        embargoed newest year first (25,000 at the benchmark's scale: 2.8 ms → 0.5 ms a page).
        Call it after `public()`, so that its "now" is not earlier than the rule's.
        """
        newest = Edition.objects.published(now).order_by("-year").values("year")[:1]
        return self.filter(year__lte=Subquery(newest)).order_by(*AWARD_ORDER)

    def search(self, text: str):
        """Every word of `text` starts a word of the recipient's name, their affiliation's name
        or acronym, the category's name or the citation; accents and case ignored.

        Matched against the stored, folded `search_text` of each nomination: PostgreSQL
        full-text search (a prefix `to_tsquery`) served by one GIN index, or the same fold with
        LIKE on SQLite (registry/search.py).
        """
        from .search import text_match

        words = query_words(text)
        return self.filter(text_match(words, connections[self.db].vendor)) if words else self

    def refresh_search_text(self) -> int:
        """Recompute `search_text` of these nominations in one UPDATE (after a rename elsewhere)."""
        return self.update(search_text=search_text_expression())


def search_text_expression():
    """The folded words a nomination is found by, computed in the database from its rows.

    One definition for every writer: Nomination.save, the renames of a nominee, an
    organisation or a category, the migration and generate_data.
    """
    nominee = Nominee.objects.filter(pk=OuterRef("nominee_id"))
    parts = [
        Subquery(nominee.values("name")[:1]),
        Subquery(nominee.values("affiliation__name")[:1]),
        Subquery(nominee.values("affiliation__short_name")[:1]),
        Subquery(Category.objects.filter(pk=OuterRef("category_id")).values("name")[:1]),
        F("citation"),
    ]
    texts = [Coalesce(part, Value(""), output_field=models.TextField()) for part in parts]
    # Trimmed: the XML serialiser of dumpdata would drop the fold's leading space.
    folded = Fold(Concat(*[x for text in texts for x in (text, Value(" "))], output_field=models.TextField()))
    return Trim(folded)


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    SHORTLISTED = "shortlisted", "Shortlisted"
    AWARDED = "awarded", "Awarded"
    NOT_SELECTED = "not_selected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Nomination(models.Model):
    """A nominee put forward in one category of one edition; an award once `awarded`."""

    Status = NominationStatus

    # Allowed moves (SPEC §3): forward through review; withdrawal from any non-final state.
    TRANSITIONS = {
        Status.SUBMITTED: {Status.IN_REVIEW, Status.WITHDRAWN},
        Status.IN_REVIEW: {Status.SHORTLISTED, Status.WITHDRAWN},
        Status.SHORTLISTED: {Status.AWARDED, Status.NOT_SELECTED, Status.WITHDRAWN},
        Status.AWARDED: set(),
        Status.NOT_SELECTED: set(),
        Status.WITHDRAWN: set(),
    }

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="nominations")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="nominations")
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="nominations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    citation = models.TextField(blank=True, default="", help_text="Public text shown once awarded.")
    justification = models.TextField(blank=True, default="", help_text="Internal: never shown publicly.")
    nominated_by = models.CharField(max_length=200, blank=True, default="", help_text="Internal.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Copies of the edition's year and publication time and the category's position, so that the
    # public lists are ordered and filtered from one index of this table (docs/performance.md).
    # Kept in step by save() here and in Edition and Category, and by the bulk writers
    # (imports, generate_data) through `copy_edition_and_category()`. Visibility never reads
    # them: public() reads the edition itself.
    year = models.PositiveSmallIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    category_position = models.PositiveSmallIntegerField(default=0, editable=False)
    # The folded words search() matches (`search_text_expression()`), refreshed on every save
    # of the nomination and on renames of its nominee, their affiliation and its category.
    search_text = models.TextField(blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["year", "published_at", "category_position", "search_text"])
    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        permissions = [("decide_nomination", "Can shortlist, award or not select a nomination")]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "category", "nominee"],
                name="unique_nomination_per_edition_category_nominee",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NominationStatus.values),
                name="nomination_status_valid",
            ),
        ]
        indexes = [
            # The default order of /awards/ and /api/v1/awards/, and the year filters.
            models.Index(
                fields=["-year", "edition", "category_position", "id"],
                include=["published_at"],  # public() filters on it: still an index-only scan
                name="nomination_awarded_by_year",
                condition=Q(status="awarded"),
            ),
            # Newest published first: the feeds and `ordering=-published_at`.
            models.Index(
                fields=["-published_at", "-id"],
                name="nomination_awarded_published",
                condition=Q(status="awarded"),
            ),
        ]

    def __str__(self):
        # Reads related rows: list views must select_related edition, category and nominee.
        return f"{self.nominee.name} — {self.category.name} ({self.edition.year})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"edition", "edition_id", "category", "category_id"} & set(update_fields):
            self.copy_edition_and_category()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "year", "published_at", "category_position"}
        super().save(*args, **kwargs)
        if update_fields is None or {"nominee", "nominee_id", "category", "category_id", "citation"} & set(
            update_fields
        ):
            Nomination.objects.filter(pk=self.pk).refresh_search_text()

    def get_absolute_url(self):
        return award_path(self.edition.program.slug, self.edition.year, self.category.slug)

    def copy_edition_and_category(self, edition=None, category=None):
        """Fill in the copied sort and filter keys (bulk writers pass the rows they hold)."""
        edition = edition or (self.edition if self.edition_id else None)
        category = category or (self.category if self.category_id else None)
        if edition is not None:
            self.year, self.published_at = edition.year, edition.results_published_at
        if category is not None:
            self.category_position = category.position

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @classmethod
    def transition_allowed(cls, old: str, new: str) -> bool:
        return old == new or new in cls.TRANSITIONS[cls.Status(old)]

    def clean(self):
        errors = {}
        if self.edition_id and self.category_id and self.category.program_id != self.edition.program_id:
            errors["category"] = "This category belongs to another programme than the edition."
        if self._state.adding and self.category_id and not self.category.is_active:
            errors["category"] = "This category is inactive and takes no new nominations."
        loaded = getattr(self, "_loaded_status", None)
        if loaded and not self.transition_allowed(loaded, self.status):
            errors["status"] = (
                f"A nomination cannot go from {self.Status(loaded).label} to {self.get_status_display()}."
            )
        if errors:
            raise ValidationError(errors)


class Achievement(models.Model):
    """A figure of achievement cited for a nomination ("474 fugitive arrests facilitated")."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="achievements")
    quantity = models.PositiveIntegerField(null=True, blank=True, help_text="The figure, if there is one.")
    description = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nomination", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="achievement_quantity_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.quantity:,} {self.description}" if self.quantity is not None else self.description


class CeremonyQuerySet(models.QuerySet):
    def public(self, now=None):
        """Ceremonies of published editions, and ceremonies announced ahead of the results."""
        now = now or timezone.now()
        return self.filter(Q(edition__results_published_at__lte=now) | Q(announced_at__lte=now))

    def upcoming(self, now=None):
        return self.filter(date__gte=timezone.localdate(now or timezone.now())).order_by("date", "id")

    def past(self, now=None):
        return self.filter(date__lt=timezone.localdate(now or timezone.now())).order_by("-date", "-id")


class Ceremony(models.Model):
    """An event at which an edition's awards are presented."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="ceremonies")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True, help_text="Local time at the venue, if known.")
    timezone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        validators=[validate_timezone],
        help_text="IANA time zone of the venue, e.g. America/Mexico_City.",
    )
    venue = models.CharField(max_length=200, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    country = CountryField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    announced_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Show the ceremony publicly from this time, before the edition's results are out. "
        "Blank: public only once the results are published.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CeremonyQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "id"]
        verbose_name_plural = "ceremonies"

    def __str__(self):
        return f"{self.name} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self):
        return ceremony_path(self.slug)


class Presentation(models.Model):
    """How an award was handed over: at which ceremony, by whom, with what words."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="presentation")
    ceremony = models.ForeignKey(Ceremony, on_delete=models.PROTECT, related_name="presentations")
    presenter_name = models.CharField(max_length=200, blank=True, default="")
    presenter_title = models.CharField(max_length=200, blank=True, default="")
    remarks = models.TextField(blank=True, default="", help_text="A quote from the presenter.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ceremony", "id"]

    def __str__(self):
        return f"Presentation at {self.ceremony.name}"

    def clean(self):
        if self.nomination_id and self.ceremony_id and self.ceremony.edition_id != self.nomination.edition_id:
            raise ValidationError(
                {"ceremony": "The ceremony belongs to another edition than the nomination."}
            )


class AnnouncementQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__lte=now or timezone.now())


class Announcement(models.Model):
    """A press release or news item; public from `published_at`."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Blank: draft. A future time: scheduled."
    )
    summary = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")
    source_url = models.URLField("source URL", max_length=500, blank=True, default="")
    edition = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements"
    )
    related_awards = models.ManyToManyField(Nomination, blank=True, related_name="announcements")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[related_awards])
    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_announcement", "Can publish or schedule an announcement")]
        constraints = [
            models.CheckConstraint(
                condition=web_url_condition("source_url"),
                name="announcement_source_url_http_or_https",
                violation_error_message="The source URL must start with http:// or https://.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registry:announcement-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()


class DataVersion(models.Model):
    """One row, moved by database triggers on every write to the tables public answers are made of.

    The triggers and the token that reads this row live in `registry/public_state.py`.
    """

    ROW = 1

    number = models.BigIntegerField(default=0, help_text="Moves forward on every write.")
    changed_at = models.DateTimeField(help_text="When the last write was committed (never goes back).")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Data version {self.number}"
