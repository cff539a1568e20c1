"""Nominations in the admin: edits, moves and status moves through the services, bulk decisions,
import and export."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from ..imports import COLUMNS, nominations_import_file
from ..models import Achievement, Category, Nomination, Nominee, Presentation
from ..services import (
    MOVE_FIELDS,
    PUBLIC_NOMINATION_FIELDS,
    nomination_edit,
    nomination_move_problem,
    nomination_public_text_problem,
    nomination_status_permitted,
    nomination_status_problem,
)
from .category_choice import category_field_options
from .decisions import BulkStatusActions, status_action
from .history import HistoryAdmin
from .list_filters import CategoryListFilter, YearListFilter
from .scale import EstimatedCountPaginator, as_id, search_words
from .spreadsheets import csv_response, xlsx_response

Status = Nomination.Status


class SaveRefused(Exception):
    """A rule refused a change form's save under lock: the whole save is rolled back."""


class PublicTextFormSet(BaseInlineFormSet):
    """Rows shown with an award (achievements, presentation): a public award's are the editors'."""

    user = AnonymousUser()  # set for each request by PublicTextInline.get_formset; else no rights

    def clean(self):
        super().clean()
        if any(form.has_changed() for form in self.forms):
            problem = nomination_public_text_problem(nomination=self.instance, by=self.user)
            if problem:
                raise ValidationError(problem)


class PublicTextInline:
    formset = PublicTextFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user  # a class built afresh for each request
        return formset


class AchievementInline(PublicTextInline, admin.TabularInline):
    model = Achievement
    fields = ["position", "quantity", "description"]
    extra = 1


class PresentationInline(PublicTextInline, admin.StackedInline):
    model = Presentation
    autocomplete_fields = ["ceremony"]
    extra = 0


class NominationForm(forms.ModelForm):
    user = AnonymousUser()  # set for each request by NominationAdmin.get_form; else no rights

    class Meta:
        model = Nomination
        fields = ["edition", "category", "nominee", "status", "citation", "justification", "nominated_by"]

    def clean(self):
        """The services' rules as field errors, so a refused save writes nothing (they check again)."""
        cleaned = super().clean()
        stored = self.instance  # clean() runs before the posted values are copied onto it
        if stored.pk is None:
            return cleaned
        changed = set(self.changed_data)
        target = {name: cleaned.get(name) for name in MOVE_FIELDS}
        moved = [name for name in MOVE_FIELDS if name in changed]
        problems = {}
        if moved and all(target.values()):
            problem = nomination_move_problem(nomination=stored, **target, by=self.user)
            if problem:
                problems[moved[0]] = problem
        status = cleaned.get("status")
        if status and status != stored.status and all(target.values()):
            # An award counts in the edition and category the nomination ends up in.
            landing = Nomination(pk=stored.pk, status=stored.status, **target)
            problem = nomination_status_problem(nomination=landing, status=status)
            if problem:
                problems["status"] = problem
        for name in sorted(PUBLIC_NOMINATION_FIELDS & changed):
            problem = nomination_public_text_problem(nomination=stored, by=self.user)
            if problem:
                problems[name] = problem
        for name, problem in problems.items():
            self.add_error(name, problem)
        return cleaned


@admin.register(Nomination)
class NominationAdmin(BulkStatusActions, HistoryAdmin):
    form = NominationForm
    # Status right after the nominee, and long names cut short by static/css/admin.css, so that
    # the status is in view at 1280 px beside the sidebar and the filters.
    list_display = ["id", "nominee", "status", "category", "edition"]
    list_display_links = ["id", "nominee"]
    list_filter = [
        "status",
        ("edition__program", admin.RelatedFieldListFilter),
        CategoryListFilter,
        YearListFilter,
    ]
    list_select_related = ["nominee", "category", "edition"]
    search_fields = ["nominee__name", "category__name"]  # searched by get_search_results below
    search_help_text = "Nominee name, category name, or a nomination number. Every word must match."
    autocomplete_fields = ["edition", "category", "nominee"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fields = [
        "edition",
        "category",
        "nominee",
        "status",
        "citation",
        "justification",
        "nominated_by",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [AchievementInline, PresentationInline]
    ordering = ["-id"]
    # At 500,000 rows counting is the slowest part of a page: no second full count, an estimate
    # when unfiltered, and 50 rows to render.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    change_list_template = "admin/registry/nomination/change_list.html"
    actions = [
        status_action(Status.IN_REVIEW, "Send selected nominations to review", ["change"]),
        status_action(Status.SHORTLISTED, "Shortlist selected nominations", ["decide"]),
        status_action(Status.AWARDED, "Award selected nominations", ["decide"]),
        status_action(Status.NOT_SELECTED, "Mark selected nominations not selected", ["decide"]),
        status_action(Status.WITHDRAWN, "Withdraw selected nominations", ["change"]),
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("registry.decide_nomination")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None or not self.status_choices(request, obj)[1:]:
            readonly.append("status")  # new nominations start as submitted; final states are final
        return readonly

    def status_choices(self, request, obj) -> list[Status]:
        """The current status, then every status the rules and this user's role let it reach in one
        save (the committee awards a submitted nomination at once; each step is recorded)."""
        current = Status(obj.status)
        moves = [
            status
            for status in Status
            if status != current
            and Nomination.transition_allowed(current, status)
            and nomination_status_permitted(user=request.user, status=status, current=current)
        ]
        return [current, *moves]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs |= category_field_options(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The form class is built afresh per request, so setting its user and narrowing its status
        # field here is safe.
        form.user = request.user
        field = form.base_fields.get("status")
        if field is not None and obj is not None:
            current, *moves = self.status_choices(request, obj)
            field.choices = [(status.value, status.label) for status in [current, *moves]]
            allowed = ", ".join(status.label for status in moves)
            committee = "" if self.has_decide_permission(request) else " Deciding is the awards committee's."
            field.error_messages["invalid_choice"] = (
                f"From {current.label} you may move this nomination only to: {allowed}.{committee}"
            )
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SaveRefused as exc:
            # Raised inside the view's transaction, which is rolled back: no field nor row was saved.
            self.message_user(request, f"Nothing was saved: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            return super().save_model(request, obj, form, change)
        try:
            # Moves, status and public text are checked again there, under the locks.
            nomination_edit(nomination=obj, changed=form.changed_data, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise SaveRefused(reason) from exc

    def save_formset(self, request, form, formset, change):
        # Checked again against the award as it was before this save. A status this save changed
        # was not "awarded" before it (awarded is final), so that award was not public yet.
        if change and formset.has_changed() and "status" not in form.changed_data:
            problem = nomination_public_text_problem(nomination=form.instance, by=request.user)
            if problem:
                raise SaveRefused(problem)
        super().save_formset(request, form, formset, change)

    def get_search_results(self, request, queryset, search_term):
        """Each word matches a nominee's name, a category's name or a nomination number.

        A side that matches nothing is left out, so a name search is one indexed semi-join on
        nominees (trigram-indexed on PostgreSQL) rather than an OR that scans every nomination.
        """
        for word in search_words(search_term):
            nominees = Nominee.objects.filter(name__icontains=word)
            categories = list(Category.objects.filter(name__icontains=word).values_list("pk", flat=True))
            match = Q(pk__in=[])
            if nominees.exists():
                match |= Q(nominee__in=nominees.values("pk"))
            if categories:
                match |= Q(category_id__in=categories)
            if as_id(word) is not None:
                match |= Q(pk=as_id(word))
            queryset = queryset.filter(match)
        return queryset, False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="registry_nomination_import"),
            path("export/<slug:fmt>/", wrap(self.export_view), name="registry_nomination_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = nominations_import_file(
                file=form.cleaned_data["file"], by=request.user, dry_run=form.cleaned_data["dry_run"]
            )
            if report.ok and not report.dry_run:
                self.message_user(request, report.summary(), messages.SUCCESS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import nominations from CSV",
            "form": form,
            "report": report,
            "columns": COLUMNS,
            "errors_shown": report.errors[:200] if report else [],
        }
        return TemplateResponse(request, "admin/registry/nomination/import.html", context)

    def export_view(self, request, fmt):
        """The changelist's current filter and search, every row (not just the page)."""
        if fmt not in {"csv", "xlsx"}:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("Unknown filter in the query string.")
        queryset = changelist.queryset.select_related("edition__program", "category", "nominee").order_by(
            "pk"
        )
        rows = (export_row(nomination) for nomination in queryset.iterator(chunk_size=2000))
        respond = csv_response if fmt == "csv" else xlsx_response
        return respond(filename=f"nominations.{fmt}", header=COLUMNS, rows=rows)


def export_row(nomination: Nomination) -> list:
    """One nomination in the import columns, so an export can be imported again."""
    nominee = nomination.nominee
    return [
        nomination.edition.program.slug,
        nomination.edition.year,
        nomination.category.slug,
        nominee.slug,
        nominee.name,
        nominee.kind,
        nominee.country.code or "",
        nominee.title,
        nomination.status,
        nomination.citation,
        nomination.justification,
        nomination.nominated_by,
    ]


class ImportForm(forms.Form):
    file = forms.FileField(help_text="UTF-8 CSV with a header row; see the columns below.")
    dry_run = forms.BooleanField(
        required=False, initial=True, help_text="Check every row and report, but write nothing."
    )
