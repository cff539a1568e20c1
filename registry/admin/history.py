"""History to read, never to revert."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


class ReadableChanges(HistoricalRecordContextHelper):
    """The *Changes* column as staff read the form: a choice's label ("In review", not
    `in_review`), a time in the active zone with its name."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M} {timezone.get_current_timezone_name()}"
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, without the "Revert" form.

    Reverting saves an old version of the whole row: it would undo a decision or a publication
    past the services and the roles (a clerk could un-award a nomination). Staff change the row
    itself instead, and that change is recorded too.
    """

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
