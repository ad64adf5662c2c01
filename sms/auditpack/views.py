"""The audit pack pages: ask for one, watch it being produced, download the PDF or the CSV files."""

from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.auditpack import selectors, services
from sms.auditpack.forms import PackPeriodForm
from sms.auditpack.models import AuditPack
from sms.web.formviews import ServiceFormView


class AuditPackListView(ServiceFormView):
    """Ask for a pack for a period; the packs asked for before, newest first."""

    action = Action.PRODUCE_AUDIT_PACK
    template_name = "auditpack/index.html"
    form_class = PackPeriodForm
    title = "Audit pack"
    button_text = "Produce the audit pack"

    def get_initial(self):
        start, end = services.default_period(timezone.localdate())
        return {"period_start": start, "period_end": end}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "packs": selectors.packs_for_user(user=self.request.user)[:20]}

    def perform(self, data):
        self.pack = services.audit_pack_request(
            sponsor=self.request.user.sponsor,
            actor=self.request.user, period_start=data["period_start"], period_end=data["period_end"]
        )
        return None

    def get_success_url(self):
        return self.pack.get_absolute_url()


class AuditPackDetailView(PolicyMixin, TemplateView):
    action = Action.PRODUCE_AUDIT_PACK
    template_name = "auditpack/detail.html"

    def load(self, request, *args, **kwargs):
        self.pack = selectors.pack_for_user(user=request.user, uuid=kwargs["uuid"])

    def get_context_data(self, **kwargs):
        pack = self.pack
        return {
            **super().get_context_data(**kwargs),
            "pack": pack,
            "working": pack.status in (AuditPack.Status.QUEUED, AuditPack.Status.BUILDING),
        }


class AuditPackDownloadView(PolicyMixin, View):
    """The PDF or the ZIP of CSV files of a ready pack, as a download; each download is audited."""

    action = Action.PRODUCE_AUDIT_PACK
    http_method_names = ["get"]
    FORMATS = {"pdf": ("pdf_file", "application/pdf"), "zip": ("zip_file", "application/zip")}

    def load(self, request, *args, **kwargs):
        self.pack = selectors.pack_for_user(user=request.user, uuid=kwargs["uuid"])
        if kwargs["format"] not in self.FORMATS or self.pack.status != AuditPack.Status.READY:
            raise Http404

    def get(self, request, uuid, format):
        field, content_type = self.FORMATS[format]
        with transaction.atomic():
            audit.record(
                actor=request.user, verb=Verb.AUDIT_PACK_DOWNLOADED, target=self.pack, payload={"format": format}
            )
        name = f"audit-pack-{self.pack.period_start:%Y-%m-%d}-to-{self.pack.period_end:%Y-%m-%d}.{format}"
        response = FileResponse(getattr(self.pack, field).open("rb"), as_attachment=True, filename=name,
                                content_type=content_type)  # fmt: skip
        response["X-Content-Type-Options"] = "nosniff"
        return response
