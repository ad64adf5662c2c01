"""The audit trail page and its CSV export, for sponsor users and Home Office staff.

One view serves both audiences; the selector decides what each may see (Level 1: the sponsor,
Level 2: their own actions, Home Office: everything).
"""

from django.db import transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView, View

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.keyset import keyset_page
from sms.trail import export, services
from sms.trail.details import event_details
from sms.trail.models import AuditExport
from sms.trail.selectors import audit_event_search, audit_exports_visible_to

PAGE_SIZE = 50


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
    """The filtered trail as CSV: streamed when small, produced in the background when large.

    Cells that spreadsheets would run are neutralised; the file ends with a marker row, so a file
    cut short shows it (sms.trail.export).
    """

    export_url_name = "audit:export"
    status_url_name = "audit:export_status"

    @staticmethod
    def request_export(*, actor, filters):
        return services.audit_export_request(actor=actor, sponsor=actor.sponsor, filters=filters)

    def get(self, request, *args, **kwargs):
        search = self._search()
        # An invalid filter exports everything the user may see, as the unfiltered page would show.
        events = search.qs if search.is_valid() else search.queryset
        filters = {key: value for key, value in request.GET.items() if key not in ("page", "older", "newer")}
        if export.is_large(events):
            job = self.request_export(actor=request.user, filters=filters)
            return redirect(self.status_url_name, job.uuid)
        with transaction.atomic():
            audit.record(actor=request.user, verb=Verb.AUDIT_EXPORTED, payload=filters)
        response = StreamingHttpResponse(export.csv_lines(events), content_type="text/csv")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
        return response


class AuditExportStatusView(PolicyMixin, TemplateView):
    """A large export's progress, and its download link when ready (scoped as the trail is)."""

    action = Action.VIEW_AUDIT_TRAIL
    template_name = "audit/export_status.html"
    download_url_name = "audit:export_download"
    trail_url_name = "audit:trail"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(audit_exports_visible_to(user=self.request.user), uuid=kwargs["uuid"])
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "download_url_name": self.download_url_name,
            "trail_url_name": self.trail_url_name,
        }


class AuditExportDownloadView(PolicyMixin, View):
    action = Action.VIEW_AUDIT_TRAIL

    def get(self, request, uuid):
        job = get_object_or_404(
            audit_exports_visible_to(user=request.user), uuid=uuid, status=AuditExport.Status.READY
        )
        if job.expired or not job.file:
            raise Http404("This export has expired")
        name = f"audit-trail-{timezone.localtime(job.requested_at).date().isoformat()}.csv"
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type="text/csv")


class HomeOfficeAuditTrailView(AuditTrailView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    export_url_name = "audit:home_office_export"


class HomeOfficeAuditTrailExportView(AuditTrailExportView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    status_url_name = "audit:home_office_export_status"

    @staticmethod
    def request_export(*, actor, filters):
        return services.audit_export_request(actor=actor, sponsor=None, filters=filters)


class HomeOfficeAuditExportStatusView(AuditExportStatusView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    download_url_name = "audit:home_office_export_download"
    trail_url_name = "audit:home_office_trail"


class HomeOfficeAuditExportDownloadView(AuditExportDownloadView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
