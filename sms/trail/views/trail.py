"""The audit trail page and its CSV export, for sponsor users and Home Office staff.

One view serves both audiences; the selector decides what each may see (Level 1: the sponsor,
Level 2: their own actions, Home Office: everything).
"""

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.csv_export import csv_rows
from sms.core.keyset import keyset_page
from sms.trail.details import event_details, event_details_json
from sms.trail.selectors import audit_event_search

PAGE_SIZE = 50
EXPORT_HEADER = ["Time", "User", "User ID", "Event", "About", "Details", "IP address", "Sponsor"]


class AuditTrailView(PolicyMixin, TemplateView):
    action = Action.VIEW_AUDIT_TRAIL
    template_name = "audit/trail.html"
    export_url_name = "audit:export"

    def _search(self):
        return audit_event_search(user=self.request.user, data=self.request.GET)

    def get_context_data(self, **kwargs):
        search = self._search()
        page = None
        if not search.is_bound or search.is_valid():
            # Newer/Older by (time, id): no count of the whole trail, no OFFSET (issue 14).
            page = keyset_page(search.qs, self.request.GET, size=PAGE_SIZE)
            for event in page.object_list:
                event.details = event_details(event)
        return {
            **super().get_context_data(**kwargs),
            "form": search.form,
            "page": page,
            "export_url_name": self.export_url_name,
            "is_home_office": self.request.user.is_home_office,
        }


class AuditTrailExportView(AuditTrailView):
    """The filtered trail as CSV, streamed; cells that spreadsheets would run are neutralised."""

    export_url_name = "audit:export"

    def get(self, request, *args, **kwargs):
        search = self._search()
        # An invalid filter exports everything the user may see, as the unfiltered page would show.
        events = search.qs if search.is_valid() else search.queryset
        with transaction.atomic():
            audit.record(
                actor=request.user,
                verb=Verb.AUDIT_EXPORTED,
                payload={key: value for key, value in request.GET.items() if key != "page"},
            )
        rows = (
            (
                timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
                event.actor_label,
                event.actor.user_id if event.actor else "",
                event.get_verb_display(),
                event.target_label,
                event_details_json(event),
                event.ip_address or "",
                event.sponsor.name if event.sponsor else "Home Office",
            )
            for event in events.iterator(chunk_size=2000)
        )
        response = StreamingHttpResponse(csv_rows(EXPORT_HEADER, rows), content_type="text/csv")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
        return response


class HomeOfficeAuditTrailView(AuditTrailView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    export_url_name = "audit:home_office_export"


class HomeOfficeAuditTrailExportView(AuditTrailExportView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
