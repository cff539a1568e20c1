"""`/sitemap.xml`: an index of one sitemap per section, public URLs only (the visibility-rule
QuerySet methods), absolute on the request's own host (no Sites framework, so never example.com).
Sections page at 5,000 URLs, so 100,000 awards stay a handful of small, fast files."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Announcement, Category, Ceremony, Edition, Nomination, Nominee, Program, award_path


class RegistrySitemap(Sitemap):
    limit = 5000

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item; the index needs no dates.
        return None


class PageSitemap(RegistrySitemap):
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


class ProgramSitemap(RegistrySitemap):
    def items(self):
        return Program.objects.public().only("slug").order_by("slug")


class EditionSitemap(RegistrySitemap):
    def items(self):
        return Edition.objects.published().select_related("program").order_by("program__slug", "year")

    def lastmod(self, edition):
        return edition.results_published_at


class CategorySitemap(RegistrySitemap):
    """Category history pages: every category of a public programme has one."""

    def items(self):
        return Category.objects.public().select_related("program").order_by("program__slug", "slug")


class AwardSitemap(RegistrySitemap):
    """One URL per (edition, category) with a public award: the award pages."""

    def items(self):
        return (
            Nomination.objects.public()
            .values("edition__program__slug", "edition__year", "category__slug")
            .annotate(lastmod=Max("edition__results_published_at"))
            .order_by("edition__program__slug", "-edition__year", "category__slug")
        )

    def location(self, item):
        return award_path(item["edition__program__slug"], item["edition__year"], item["category__slug"])

    def lastmod(self, item):
        return item["lastmod"]


class RecipientSitemap(RegistrySitemap):
    def items(self):
        return Nominee.objects.recipients().only("slug").order_by("slug")


class CeremonySitemap(RegistrySitemap):
    def items(self):
        return Ceremony.objects.public().only("slug").order_by("slug")


class AnnouncementSitemap(RegistrySitemap):
    def items(self):
        return Announcement.objects.published().only("slug", "published_at").order_by("-published_at", "id")

    def lastmod(self, announcement):
        return announcement.published_at


SITEMAPS = {
    "pages": PageSitemap,
    "programs": ProgramSitemap,
    "editions": EditionSitemap,
    "categories": CategorySitemap,
    "awards": AwardSitemap,
    "recipients": RecipientSitemap,
    "ceremonies": CeremonySitemap,
    "news": AnnouncementSitemap,
}
