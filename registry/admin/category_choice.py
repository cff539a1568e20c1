"""A nomination's category box: the categories of the chosen edition's programme, each named with
its programme ("Port Partnership Award — Harbour Safety Awards").

Django's autocomplete sends nothing of the rest of the form, so the box asks its own view (below,
routed by CategoryAdmin), and static/js/category-by-edition.js adds the edition the form holds to
each of its requests. The save still refuses a category of another programme (`Nomination.clean`).
"""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied

from ..models import Category
from .scale import as_id

URL_NAME = "registry_category_autocomplete"


def category_label(category: Category) -> str:
    """A category as staff choose it: its programme too, since programmes share category names."""
    return f"{category.name} — {category.program.name}"


class CategoryAutocompleteView(AutocompleteJsonView):
    """Django's autocomplete answer for a category box, narrowed to the programme of the `edition`
    parameter when there is one, with each category named by `category_label`."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if source_field.remote_field.model is not Category:
            raise PermissionDenied  # a crafted request for another model's box
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        categories = super().get_queryset().select_related("program")
        edition = as_id(self.request.GET.get("edition"))
        if edition is not None:
            categories = categories.filter(program__editions__pk=edition)
        return categories

    def serialize_result(self, obj, to_field_name):
        return super().serialize_result(obj, to_field_name) | {"text": category_label(obj)}


class CategoryByEditionSelect(AutocompleteSelect):
    """The autocomplete box of a form's category field that also has an `edition` field."""

    url_name = f"%s:{URL_NAME}"

    class Media:
        js = ["admin/js/jquery.init.js", "js/category-by-edition.js"]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return category_label(obj)


def category_field_options(db_field, admin_site, using=None) -> dict:
    """What `ModelAdmin.formfield_for_foreignkey` takes to make a form's category field this box,
    its chosen category shown with its programme (read in the same query)."""
    return {
        "form_class": CategoryChoiceField,
        "widget": CategoryByEditionSelect(db_field, admin_site, using=using),
        "queryset": Category.objects.select_related("program"),
    }
