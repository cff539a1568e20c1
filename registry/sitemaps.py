"""`/sitemap.xml`: public URLs only, absolute on the request's own host (no Sites framework)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Announcement, Ceremony, Edition, Nomination, Nominee, Program


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "registry:home",
            "registry:program-list",
            "registry:award-list",
            "registry:ceremony-list",
            "registry:announcement-list",
        ]

    def location(self, item):
        return reverse(item)


class ProgramSitemap(Sitemap):
    def items(self):
        return Program.objects.filter(editions__in=Edition.objects.published()).distinct().order_by("slug")


class EditionSitemap(Sitemap):
    def items(self):
        return Edition.objects.published().select_related("program").order_by("program__slug", "year")

    def lastmod(self, edition):
        return edition.results_published_at


class AwardSitemap(Sitemap):
    """One URL per (edition, category) with a public award: the award pages."""

    limit = 5000

    def items(self):
        return (
            Nomination.objects.public()
            .values("edition__program__slug", "edition__year", "category__slug")
            .annotate(lastmod=Max("edition__results_published_at"))
            .order_by("edition__program__slug", "-edition__year", "category__slug")
        )

    def location(self, item):
        kwargs = {
            "program": item["edition__program__slug"],
            "year": item["edition__year"],
            "category": item["category__slug"],
        }
        return reverse("registry:award-detail", kwargs=kwargs)

    def lastmod(self, item):
        return item["lastmod"]


class RecipientSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Nominee.objects.recipients().only("slug").order_by("slug")


class CeremonySitemap(Sitemap):
    def items(self):
        return Ceremony.objects.public().only("slug").order_by("slug")


class AnnouncementSitemap(Sitemap):
    def items(self):
        return Announcement.objects.published().only("slug", "published_at").order_by("-published_at", "id")

    def lastmod(self, announcement):
        return announcement.published_at


SITEMAPS = {
    "pages": StaticSitemap,
    "programs": ProgramSitemap,
    "editions": EditionSitemap,
    "awards": AwardSitemap,
    "recipients": RecipientSitemap,
    "ceremonies": CeremonySitemap,
    "news": AnnouncementSitemap,
}
