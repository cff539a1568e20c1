"""The bulk status actions on the nominations list, and what they report.

Each selected nomination goes through `nominations_change_status` (registry/services.py), which
owns the transitions, permissions, locks and history; this module only chooses and reports.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext, ngettext_lazy

from ..models import Nomination
from ..services import BulkStatusReport, nominations_change_status

Status = Nomination.Status
MAX_REPORTED = 20  # refusals listed by name after a bulk action; the rest are counted
# Each nomination is its own locked transaction: more than this would outlast a request timeout
# half-way, with the report lost. Filter first, then act in batches.
MAX_BULK = 5_000

# What a bulk action did, by the status it moved nominations to ("count" picks the plural form).
DONE = {
    Status.IN_REVIEW: ngettext_lazy(
        "%(count)d nomination sent to review", "%(count)d nominations sent to review", "count"
    ),
    Status.SHORTLISTED: ngettext_lazy(
        "%(count)d nomination shortlisted", "%(count)d nominations shortlisted", "count"
    ),
    Status.AWARDED: ngettext_lazy("%(count)d nomination awarded", "%(count)d nominations awarded", "count"),
    Status.NOT_SELECTED: ngettext_lazy(
        "%(count)d nomination marked not selected", "%(count)d nominations marked not selected", "count"
    ),
    Status.WITHDRAWN: ngettext_lazy(
        "%(count)d nomination withdrawn", "%(count)d nominations withdrawn", "count"
    ),
}


def bulk_summary(report: BulkStatusReport, status: Status) -> str:
    """ "3 nominations awarded (2 from In review, 1 from Shortlisted); 1 skipped: already awarded.",
    or "" when nothing was changed nor skipped (the refusals are reported on their own)."""
    parts = []
    if report.changed:
        origins = ", ".join(
            gettext("%(count)d from %(status)s") % {"count": report.changed_from[old], "status": old.label}
            for old in Status
            if report.changed_from[old]
        )
        parts.append(f"{DONE[status] % {'count': len(report.changed)}} ({origins})")
    if report.unchanged:
        skipped = len(report.unchanged)
        parts.append(
            ngettext(
                "%(count)d skipped: already %(status)s", "%(count)d skipped: already %(status)s", skipped
            )
            % {"count": skipped, "status": status.label.lower()}
        )
    return "; ".join(parts) + "." if parts else ""


def status_action(status: Status, description: str, permissions: list[str]):
    """An admin action that moves the selected nominations to `status` (`BulkStatusActions`)."""

    @admin.action(description=description, permissions=permissions)
    def action(modeladmin, request, queryset):
        modeladmin.change_status(request, queryset, status)

    action.__name__ = f"mark_{status}"
    return action


class BulkStatusActions:
    """For NominationAdmin: `change_status` behind each `status_action`."""

    def change_status(self, request, queryset, status: Status) -> None:
        selected = queryset.count()
        if selected > MAX_BULK:
            self.message_user(
                request,
                gettext(
                    "%(selected)s nominations selected: act on at most %(most)s at a time (filter first). "
                    "Nothing was changed."
                )
                % {"selected": f"{selected:,}", "most": f"{MAX_BULK:,}"},
                messages.ERROR,
            )
            return
        nominations = queryset.select_related("nominee", "category", "edition").order_by("category_id", "pk")
        report = nominations_change_status(nominations=nominations, status=status, by=request.user)
        summary = bulk_summary(report, status)
        if summary:
            self.message_user(request, summary, messages.SUCCESS if report.changed else messages.INFO)
        if report.refused:
            listed = "; ".join(
                f"{nomination}: {reason}" for nomination, reason in report.refused[:MAX_REPORTED]
            )
            more = len(report.refused) - MAX_REPORTED
            suffix = gettext("; and %(count)d more") % {"count": more} if more > 0 else ""
            refused = ngettext(
                "%(count)d nomination refused, unchanged",
                "%(count)d nominations refused, unchanged",
                len(report.refused),
            ) % {"count": len(report.refused)}
            self.message_user(request, f"{refused} — {listed}{suffix}.", messages.ERROR)
