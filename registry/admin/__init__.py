"""The staff's whole tool: data entry for every model, roles enforced on the server.

Nominations (status moves, bulk decisions, import, export) live in `nominations.py`; roles and
what each may do are described in docs/admin.md.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    Announcement,
    Category,
    Ceremony,
    Edition,
    Nomination,
    Nominee,
    Organization,
    Program,
    publication_label,
)
from ..services import (
    PUBLIC_NOMINEE_FIELDS,
    announcement_publish,
    edition_publish,
    nominee_edit,
    nominee_public_text_problem,
)
from .category_choice import URL_NAME as CATEGORY_AUTOCOMPLETE
from .category_choice import CategoryAutocompleteView
from .history import HistoryAdmin
from .nominations import NominationAdmin
from .previews import EditionPreviews, preview_url
from .scale import EstimatedCountPaginator, search_words
from .time_zones import ProgrammeTimeZoneAdmin

__all__ = ["NominationAdmin"]

admin.site.site_header = "Awards Registry administration"
admin.site.site_title = "Awards Registry"
PREVIEW_LIMIT = 100
# A website typed without a scheme ("www.ice.gov") is taken as https, as Django 6 will do.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.display(description="country", ordering="country")
def country_name(obj) -> str:
    # The field's own display looks the code up among all the country choices, on every row.
    return obj.country.name


class PublishingAdmin(ProgrammeTimeZoneAdmin, HistoryAdmin):
    """Publication time read-only without the publish permission; actions publish through the service.

    Times are typed and shown in the programme's zone (`ProgrammeTimeZoneAdmin`).
    """

    publish_field: str
    publish_permission: str
    publish_service = None  # staticmethod(<noun>_publish)

    def has_publish_permission(self, request):
        return request.user.has_perm(f"registry.{self.publish_permission}")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append(self.publish_field)  # a crafted POST of the field is then ignored
        return readonly

    def save_model(self, request, obj, form, change):
        if self.publish_field in form.changed_data:
            obj._change_reason = publication_label(
                getattr(obj, self.publish_field), obj.publication_time_zone
            )
        super().save_model(request, obj, form, change)

    @admin.display(description=_("State"))
    def state(self, obj):
        return publication_label(getattr(obj, self.publish_field), obj.publication_time_zone)

    def _publish(self, request, queryset, at):
        done = {}  # time zone: how many, so each programme's time is told in its own zone
        for obj in queryset:
            try:
                self.publish_service(**{self.opts.model_name: obj, "at": at, "by": request.user})
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{obj}: {reason}", messages.ERROR)
            else:
                zone = obj.publication_time_zone
                done[zone] = done.get(zone, 0) + 1
        for zone, count in done.items():
            self.message_user(
                request,
                _("%(count)d %(items)s: %(when)s.")
                % {
                    "count": count,
                    "items": model_ngettext(self.opts, count),
                    "when": publication_label(at, zone),
                },
            )

    @admin.action(description="Publish selected now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._publish(request, queryset, timezone.now())

    @admin.action(description="Unpublish selected (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._publish(request, queryset, None)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "short_name", country_name, "website"]
    list_filter = ["country"]
    search_fields = ["name", "short_name", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}


class CategoryInline(admin.TabularInline):
    model = Category
    fields = ["position", "name", "slug", "max_awards", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "conferred_by", "time_zone"]
    list_select_related = ["conferred_by"]
    search_fields = ["name", "conferred_by__name", "conferred_by__short_name"]
    autocomplete_fields = ["conferred_by"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "position", "max_awards", "is_active"]
    list_filter = ["is_active", "program"]
    list_select_related = ["program"]
    search_fields = ["name", "slug", "program__name"]
    autocomplete_fields = ["program"]
    prepopulated_fields = {"slug": ["name"]}

    def get_urls(self):
        # The category box of a nomination asks here (registry/admin/category_choice.py).
        view = CategoryAutocompleteView.as_view(admin_site=self.admin_site)
        return [
            path("autocomplete/", self.admin_site.admin_view(view), name=CATEGORY_AUTOCOMPLETE),
            *super().get_urls(),
        ]


@admin.register(Edition)
class EditionAdmin(EditionPreviews, PublishingAdmin):
    publish_field = "results_published_at"
    publish_permission = "publish_edition"
    publish_service = staticmethod(edition_publish)
    zoned_fields = ["results_published_at"]
    zone_from = ("program", "time_zone")
    zone_unknown_help = _("Times in the programme's time zone.")
    list_display = ["name", "program", "year", "state", "nominations_open", "nominations_close"]
    list_filter = ["program", "year"]
    list_select_related = ["program"]
    search_fields = ["name", "program__name", "year"]
    autocomplete_fields = ["program"]
    date_hierarchy = "results_published_at"
    fields = [
        "program",
        "year",
        "name",
        "nominations_open",
        "nominations_close",
        "results_published_at",
        "state",
        "public_preview",
    ]
    readonly_fields = ["state", "public_preview"]
    actions = ["publish_now", "unpublish"]

    @admin.display(description="What becomes public")
    def public_preview(self, obj):
        if obj.pk is None:
            return "Save the edition first."
        # The visibility rule makes exactly the awarded nominations public once the results are out.
        awards = list(
            Nomination.objects.awarded()
            .filter(edition=obj)
            .select_related("nominee", "category")
            .order_by("category__position", "category__name", "nominee__name")[: PREVIEW_LIMIT + 1]
        )
        hidden = Nomination.objects.filter(edition=obj).exclude(status=Nomination.Status.AWARDED).count()
        others = ngettext(
            "the %(count)d other nomination of this edition",
            "the %(count)d other nominations of this edition",
            hidden,
        )
        intro = format_html(
            "<p>At publication the public sees these awards (the recipient, category and citation); "
            "{}, justifications and internal notes stay hidden.</p>",
            others % {"count": hidden},
        )
        if not obj.is_published:
            intro += format_html(
                '<p><a href="{}">{}</a> {}</p>',
                preview_url(obj.pk),
                gettext("Preview the public pages"),
                gettext("(staff only, until published)."),
            )
        if not awards:
            return intro + format_html(
                "<p><strong>{}</strong>: {}</p>",
                gettext("No award yet"),
                gettext("publishing would show an empty edition."),
            )
        rows = format_html_join(
            "",
            "<li><strong>{}</strong> — {}: {}</li>",
            (
                (a.nominee.name, a.category.name, a.citation or "(no citation)")
                for a in awards[:PREVIEW_LIMIT]
            ),
        )
        more = format_html("<p>… and more.</p>") if len(awards) > PREVIEW_LIMIT else ""
        return intro + format_html("<ul>{}</ul>{}", rows, more)


class NomineeForm(forms.ModelForm):
    user = AnonymousUser()  # set for each request by NomineeAdmin.get_form; else no rights

    class Meta:
        model = Nominee
        fields = [
            "kind",
            "name",
            "slug",
            "title",
            "affiliation",
            "country",
            "biography",
            "photo",
            "wikidata_id",
        ]

    def clean(self):
        cleaned = super().clean()
        edited = sorted(PUBLIC_NOMINEE_FIELDS & set(self.changed_data))
        if edited:
            problem = nominee_public_text_problem(nominee=self.instance, by=self.user)
            if problem:
                for name in edited:
                    self.add_error(name, problem)
        return cleaned


@admin.register(Nominee)
class NomineeAdmin(admin.ModelAdmin):
    form = NomineeForm
    list_display = ["name", "kind", "title", "affiliation", country_name]
    list_filter = ["kind", "country"]
    list_select_related = ["affiliation"]
    search_fields = ["name", "title", "affiliation__name"]  # searched by get_search_results below
    search_help_text = "Name, title or affiliation; every word must match."
    autocomplete_fields = ["affiliation"]
    prepopulated_fields = {"slug": ["name"]}
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class built afresh for each request
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # The form said so already; the service checks again as it saves (a refusal here is a 403).
        nominee_edit(nominee=obj, changed=form.changed_data, by=request.user)

    def get_search_results(self, request, queryset, search_term):
        """Name and title (trigram-indexed on PostgreSQL), or an affiliation found in its own small table."""
        for word in search_words(search_term):
            match = Q(name__icontains=word) | Q(title__icontains=word)
            organizations = Organization.objects.filter(
                Q(name__icontains=word) | Q(short_name__icontains=word)
            )
            affiliations = list(organizations.values_list("pk", flat=True)[:1000])
            if affiliations:
                match |= Q(affiliation_id__in=affiliations)
            queryset = queryset.filter(match)
        return queryset, False


@admin.register(Ceremony)
class CeremonyAdmin(ProgrammeTimeZoneAdmin, admin.ModelAdmin):
    zoned_fields = ["announced_at"]
    zone_from = ("edition", "program__time_zone")
    zone_unknown_help = _("Times in the time zone of the edition's programme.")
    list_display = ["name", "date", "city", country_name, "edition"]
    list_filter = ["country"]
    list_select_related = ["edition"]
    search_fields = ["name", "venue", "city", "edition__name"]
    autocomplete_fields = ["edition"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date"


@admin.register(Announcement)
class AnnouncementAdmin(PublishingAdmin):
    publish_field = "published_at"
    publish_permission = "publish_announcement"
    publish_service = staticmethod(announcement_publish)
    zoned_fields = ["published_at"]
    zone_from = ("edition", "program__time_zone")
    zone_unknown_help = _(
        "Times in the time zone of the edition's programme, or the site's without an edition."
    )
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "state", "edition"]
    list_select_related = ["edition__program"]
    search_fields = ["title", "summary", "body"]
    autocomplete_fields = ["edition", "related_awards"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["state", "public_preview"]
    actions = ["publish_now", "unpublish"]

    @admin.display(description="What becomes public")
    def public_preview(self, obj):
        if obj.pk is None:
            return "Save the announcement first."
        at = max(obj.published_at or timezone.now(), timezone.now())
        related = list(obj.related_awards.select_related("nominee", "category", "edition"))
        public = set(obj.related_awards.public(now=at).values_list("pk", flat=True))
        awards = format_html_join(
            "",
            "<li>{}{}</li>",
            ((a, "" if a.pk in public else " — not public then: it will not be listed") for a in related),
        )
        return format_html(
            "<p><strong>{}</strong></p><p>{}</p><p>Related awards shown:</p><ul>{}</ul>",
            obj.title,
            obj.summary or "(no summary)",
            awards or format_html("<li>{}</li>", gettext("none")),
        )
