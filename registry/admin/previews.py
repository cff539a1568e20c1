"""Staff preview of an edition's public pages before its results are public.

The edition page and each of its category pages, rendered by the public page code
(`registry.views.edition_page`, `award_page`) from the awards the edition will show once
published (`Nomination.objects.public_when_published()`), under a "Preview — not public" banner.
Admin URLs: staff only (anyone else is sent to the login page), never through the public cache
layer (registry/http_cache.py), and sent `private, no-store` and `noindex`.
"""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from .. import views
from ..awards import CategoryAwards, awards_by_category, awards_in_order
from ..models import Ceremony, Edition, Nomination, award_path, publication_label

EDITION_PREVIEW = "registry_edition_preview"
CATEGORY_PREVIEW = "registry_edition_preview_category"


def preview_url(edition_id: int, category: str | None = None) -> str:
    if category is None:
        return reverse(f"admin:{EDITION_PREVIEW}", args=[edition_id])
    return reverse(f"admin:{CATEGORY_PREVIEW}", args=[edition_id, category])


def private(response):
    """A preview answer: for this user's eyes only, kept by no cache, indexed by no search engine."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class EditionPreviews:
    """For EditionAdmin: the preview pages, and "View on site" leading to them while unpublished."""

    def get_urls(self):
        # cacheable: the admin's own never_cache headers would be merged with `private()`'s.
        def wrap(view):
            return self.admin_site.admin_view(view, cacheable=True)

        return [
            path("<int:object_id>/preview/", wrap(require_safe(self.preview_view)), name=EDITION_PREVIEW),
            path(
                "<int:object_id>/preview/<slug:category>/",
                wrap(require_safe(self.preview_view)),
                name=CATEGORY_PREVIEW,
            ),
            *super().get_urls(),
        ]

    def get_view_on_site_url(self, obj=None):
        if obj is not None and obj.pk is not None and not obj.is_published:
            return preview_url(obj.pk)
        return super().get_view_on_site_url(obj)

    def preview_view(self, request, object_id, category=None):
        edition = Edition.objects.select_related("program").filter(pk=object_id).first()
        if edition is None:
            raise Http404
        if not self.has_view_permission(request, edition):
            raise PermissionDenied
        if edition.is_published:  # nothing to preview: the public page is the page
            public = award_path(edition.program.slug, edition.year, category) if category else None
            return HttpResponseRedirect(public or edition.get_absolute_url())
        banner = {
            "state": publication_label(edition.results_published_at, edition.program.time_zone),
            "edition_url": preview_url(edition.pk),
            "admin_url": reverse("admin:registry_edition_change", args=[edition.pk]),
        }
        # The structured data and feed links are the public pages'; a preview has neither.
        extra = {"preview": banner, "structured_data": None, "feed_query": None}
        if category is None:
            return private(self.edition_preview(request, edition, extra))
        awards = awards_in_order(
            Nomination.objects.public_when_published()
            .filter(edition=edition, category__slug=category)
            .order_by("nominee__name", "id")
        )
        if not awards:
            raise Http404(gettext("No award in this category of the edition."))
        return private(views.award_page(request, awards, **extra))

    def edition_preview(self, request, edition, extra):
        groups = awards_by_category(
            edition.id, per_category=views.EDITION_AWARDS_PER_CATEGORY, achievements=False, preview=True
        )
        categories = []
        for group in groups:  # each category links to its preview page, not to its public one
            page = preview_url(edition.pk, group.slug)
            awards = tuple(replace(award, path=page) for award in group.awards)
            categories.append(CategoryAwards(group.slug, group.name, group.total, awards))
        ceremonies = Ceremony.objects.filter(edition=edition)  # all of them public once it is published
        return views.edition_page(request, edition, categories, ceremonies, **extra)
