"""The staff's whole tool: data entry for every model (SPEC §4)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Achievement,
    Announcement,
    Category,
    Ceremony,
    Edition,
    Nomination,
    Nominee,
    Organization,
    Presentation,
    Program,
)

admin.site.site_header = "Awards Registry administration"
admin.site.site_title = "Awards Registry"


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country", "website"]
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
    list_display = ["name", "conferred_by"]
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
    search_fields = ["name", "program__name"]
    autocomplete_fields = ["program"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Edition)
class EditionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "program", "year", "publication_state_display", "results_published_at"]
    list_filter = ["program", "year"]
    list_select_related = ["program"]
    search_fields = ["name", "program__name", "year"]
    autocomplete_fields = ["program"]
    date_hierarchy = "results_published_at"

    @admin.display(description="State")
    def publication_state_display(self, obj):
        if obj.publication_state == "scheduled":
            return f"Scheduled for {obj.results_published_at:%Y-%m-%d %H:%M %Z}"
        return obj.publication_state.capitalize()


@admin.register(Nominee)
class NomineeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "title", "affiliation", "country"]
    list_filter = ["kind", "country"]
    list_select_related = ["affiliation"]
    search_fields = ["name", "title", "affiliation__name", "affiliation__short_name", "wikidata_id"]
    autocomplete_fields = ["affiliation"]
    prepopulated_fields = {"slug": ["name"]}


class AchievementInline(admin.TabularInline):
    model = Achievement
    fields = ["position", "quantity", "description"]
    extra = 1


class PresentationInline(admin.StackedInline):
    model = Presentation
    autocomplete_fields = ["ceremony"]
    extra = 0


@admin.register(Nomination)
class NominationAdmin(SimpleHistoryAdmin):
    list_display = ["nominee", "category", "edition", "status", "updated_at"]
    list_filter = ["status", "edition__program", "edition__year"]
    list_select_related = ["nominee", "category", "edition", "edition__program"]
    search_fields = ["nominee__name", "category__name", "edition__name", "citation"]
    autocomplete_fields = ["edition", "category", "nominee"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [AchievementInline, PresentationInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Ceremony)
class CeremonyAdmin(admin.ModelAdmin):
    list_display = ["name", "date", "city", "country", "edition"]
    list_filter = ["country"]
    list_select_related = ["edition"]
    search_fields = ["name", "venue", "city", "edition__name"]
    autocomplete_fields = ["edition"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date"


@admin.register(Announcement)
class AnnouncementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "published_at", "edition"]
    list_select_related = ["edition"]
    search_fields = ["title", "summary", "body"]
    autocomplete_fields = ["edition", "related_awards"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
