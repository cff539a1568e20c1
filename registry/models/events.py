"""When and how awards are presented and announced: ceremonies, presentations, announcements."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .nominations import Nomination
from .paths import ceremony_path
from .programs import Edition, slug_not_only_digits, validate_timezone, web_url_condition


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
    slug = models.SlugField(max_length=200, unique=True, validators=[slug_not_only_digits])
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
    slug = models.SlugField(max_length=200, unique=True, validators=[slug_not_only_digits])
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
    def publication_time_zone(self) -> str:
        """The zone staff type and read `published_at` in: its edition's programme's, else the default."""
        return self.edition.program.time_zone if self.edition_id else timezone.get_default_timezone_name()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()
