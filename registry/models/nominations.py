"""Who is put forward and what they won: nominees, nominations (awards once awarded), achievements.

The one visibility rule lives in `NominationQuerySet.public()`: an award is public iff its
status is `awarded` and its edition's `results_published_at` is set and not in the future.
Every other public read (recipients, editions, ceremonies) is derived from it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Trim
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from ..search import Fold, query_words, text_match
from .paths import award_path, recipient_path
from .programs import Category, Edition, Organization, slug_not_only_digits, wikidata_id_validator


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
    slug = models.SlugField(max_length=200, unique=True, validators=[slug_not_only_digits])
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
# A row's place in that order, as `after_in_award_order()` takes it.
AWARD_ORDER_KEY = ("year", "edition_id", "category_position", "id")


class NominationQuerySet(models.QuerySet):
    def public(self, now=None):
        """The one visibility rule: awarded, in an edition whose results are live.

        The edition's own `results_published_at` decides. The nomination's copy of it is also
        required to be past, which can only ever hide (should a bulk write skip the copy), never
        show; it lets the ordering indexes start at the present rather than walk every row of an
        embargoed edition first.
        """
        now = now or timezone.now()
        return self.public_when_published().filter(
            edition__results_published_at__lte=now, published_at__lte=now
        )

    def public_when_published(self):
        """What `public()` shows of an edition once its results are out: its awarded nominations.

        The staff preview of a draft or scheduled edition shows exactly these; never a public read.
        """
        return self.awarded()

    def awarded(self):
        return self.filter(status=Nomination.Status.AWARDED)

    def in_award_order(self, now=None):
        """In `AWARD_ORDER`, from the newest year that has published results.

        No public award is newer than the newest published edition, so the bound changes no
        result; it lets the ordering index start there instead of walking every award of an
        embargoed newest year first (docs/performance.md).
        Call it after `public()`, so that its "now" is not earlier than the rule's.
        """
        newest = Edition.objects.published(now).order_by("-year").values("year")[:1]
        return self.filter(year__lte=Subquery(newest)).order_by(*AWARD_ORDER)

    def after_in_award_order(self, key: tuple[int, int, int, int]):
        """The rows after `key` (a row's `AWARD_ORDER_KEY` values) in `AWARD_ORDER`: a keyset page.

        The year bound lets the ordering index start at the key's year, so a page costs what the
        first does however deep it is; rows of that year before the key are skipped in the index.
        """
        year, edition, position, pk = key
        return self.filter(year__lte=year).filter(
            Q(year__lt=year)
            | Q(edition_id__gt=edition)
            | Q(edition_id=edition, category_position__gt=position)
            | Q(edition_id=edition, category_position=position, id__gt=pk)
        )

    def search(self, text: str):
        """Every word of `text` starts a word of the recipient's name, their affiliation's name
        or acronym, the category's name or the citation; accents and case ignored.

        Matched against the stored, folded `search_text` of each nomination: PostgreSQL
        full-text search (a prefix `to_tsquery`) served by one GIN index, or the same fold with
        LIKE on SQLite (registry/search.py).
        """
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

    # Allowed moves: forward through review; withdrawal from any non-final state.
    TRANSITIONS = {
        Status.SUBMITTED: {Status.IN_REVIEW, Status.WITHDRAWN},
        # Rejected in review without being shortlisted: a "not selected" is never a finalist.
        Status.IN_REVIEW: {Status.SHORTLISTED, Status.NOT_SELECTED, Status.WITHDRAWN},
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
    def status_path(cls, old: str, new: str) -> list[NominationStatus] | None:
        """The statuses a nomination passes through from `old` to `new`, each an allowed move, `new`
        last ([] when they are equal), or None if `new` cannot be reached.

        Deciding from any earlier status (submitted → awarded) passes through every review step,
        so the history still shows each one.
        """
        old, new = cls.Status(old), cls.Status(new)
        paths = {old: []}
        reached = [old]
        while reached and new not in paths:  # breadth first: the shortest path
            status = reached.pop(0)
            for step in sorted(cls.TRANSITIONS[status]):
                if step not in paths:
                    paths[step] = [*paths[status], step]
                    reached.append(step)
        return paths.get(new)

    @classmethod
    def transition_allowed(cls, old: str, new: str) -> bool:
        """Whether `new` can be reached from `old`, in one move or through several."""
        return cls.status_path(old, new) is not None

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
