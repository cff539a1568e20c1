"""History to read, never to revert."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, without the "Revert" form.

    Reverting saves an old version of the whole row: it would undo a decision or a publication
    past the services and the roles (a clerk could un-award a nomination). Staff change the row
    itself instead, and that change is recorded too.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
