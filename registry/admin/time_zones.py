"""Publication times typed and read in the programme's time zone, stored in UTC."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import time_zone_named
from .scale import as_id


class ProgrammeTimeZoneAdmin:
    """The change form, its save and the history run in the zone of the object's programme.

    Django's forms, widgets and date displays all read the active time zone, so activating the
    programme's for the whole view makes a typed "20:00" mean 20:00 there, shows stored times
    back in it, and stores UTC. On a POST the programme posted decides (a new object has no
    other), so what is typed is read in the zone of the programme it is saved under.
    """

    zoned_fields: list[str]  # the publication times typed in the form
    # The form field naming the row the programme is found from, and the path from that row to
    # its programme's `time_zone`.
    zone_from: tuple[str, str]
    zone_unknown_help: str  # for a new object, before its programme is known

    def time_zone_name(self, request, object_id) -> str | None:
        field, path = self.zone_from
        if request.method == "POST":
            related = self.model._meta.get_field(field).related_model
            posted = as_id(request.POST.get(field))
            return related.objects.filter(pk=posted).values_list(path, flat=True).first() if posted else None
        pk = as_id(object_id)
        return (
            self.model.objects.filter(pk=pk).values_list(f"{field}__{path}", flat=True).first()
            if pk
            else None
        )

    def in_programme_zone(self, view, request, object_id, *args, **kwargs):
        with timezone.override(time_zone_named(self.time_zone_name(request, object_id))):
            response = view(request, object_id, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # now, while the zone is active: a TemplateResponse renders late
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self.in_programme_zone(super().changeform_view, request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self.in_programme_zone(super().history_view, request, object_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        known = obj is not None or request.method == "POST"
        where = _("Times in %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
        for name in self.zoned_fields:
            field = form.base_fields.get(name)
            if field is not None:  # a class built afresh for each request: safe to change
                field.help_text = f"{field.help_text} {where if known else self.zone_unknown_help}"
        return form
