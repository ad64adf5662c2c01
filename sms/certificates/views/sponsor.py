"""Sponsor pages for certificates and allocations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.certificates import forms, selectors
from sms.certificates.models import AllocationRequest, Certificate, CertificateImport, DefinedCosRequest
from sms.certificates.rules import check_assignment
from sms.certificates.services import allocations as allocation_services
from sms.certificates.services import bulk
from sms.certificates.services import certificates as services
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.core.lifecycle import allowed
from sms.payments import selectors as payment_selectors
from sms.payments.models import Payment
from sms.payments.views import FeePaymentReturnView, FeePayView
from sms.web.formviews import ServiceFormView
from sms.web.importviews import ImportFileView

PAGE_SIZE = 50


class CertificateListView(PolicyMixin, TemplateView):
    """Search and filter the sponsor's certificates; a fixed number of queries per page."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "certificates/list.html"

    def get_context_data(self, **kwargs):
        search = selectors.certificate_search(user=self.request.user, data=self.request.GET)
        page = Paginator(search.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "form": search.form,
            "page": page,
            "may_create": can(self.request.user, Action.CREATE_CERTIFICATE),
        }


class CertificateFormView(PolicyMixin, View):
    """Create or edit a draft. "Save draft" keeps it; "Continue" goes to check your answers."""

    action = Action.CREATE_CERTIFICATE
    certificate = None

    def load(self, request, *args, **kwargs):
        if "uuid" in kwargs:
            self.certificate = selectors.certificate_for_user(user=request.user, uuid=kwargs["uuid"])

    def _render(self, form):
        problems = ()
        if self.certificate is not None and not form.is_bound:
            # What check your answers listed, here beside the fields that put it right.
            today = timezone.localdate()
            problems = check_assignment(self.certificate, services.assignment_context(self.certificate, today)).problems
        return render(
            self.request,
            "certificates/form.html",
            {"form": form, "certificate": self.certificate, "title": self._title(), "problems": problems},
        )

    def _title(self):
        return "Change the draft certificate" if self.certificate else "Create a certificate"

    def _form(self, data=None):
        """The form, offering only the licence's routes; a new certificate starts at the sponsor's
        only work site when there is just one."""
        sponsor = self.request.user.sponsor
        routes = list(sponsor.licence.routes.values_list("route", flat=True)) if hasattr(sponsor, "licence") else None
        initial = {}
        if self.certificate is None:
            sites = list(sponsor.work_sites.filter(closed_on__isnull=True).values_list("address", flat=True)[:2])
            if len(sites) == 1:
                initial["work_address"] = sites[0]
        return forms.CertificateForm(data, instance=self.certificate, routes_held=routes, initial=initial)

    def get(self, request, **kwargs):
        return self._render(self._form())

    def post(self, request, **kwargs):
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            saved = services.certificate_save_draft(
                sponsor=request.user.sponsor, actor=request.user, data=form.cleaned_data, certificate=self.certificate
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return self._render(form)
        if "save_draft" in request.POST:
            messages.success(request, f"Draft saved for {saved.worker_name}. You can come back to it at any time.")
            return redirect("certificates:list")
        return redirect("certificates:detail", saved.uuid)


class CertificateDetailView(PolicyMixin, TemplateView):
    """A certificate: check your answers and costs for a draft; status, note and withdrawal after."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "certificates/detail.html"

    def load(self, request, *args, **kwargs):
        self.certificate = selectors.certificate_for_user(user=request.user, uuid=kwargs["uuid"])

    def get_context_data(self, **kwargs):
        certificate = self.certificate
        user = self.request.user
        context = {
            **super().get_context_data(**kwargs),
            "certificate": certificate,
            "may_withdraw": allowed(certificate, Certificate.Status.WITHDRAWN)
            and can(user, Action.WITHDRAW_CERTIFICATE, certificate),
            "note_form": forms.NoteForm(),
            "defined_request": getattr(certificate, "defined_request", None),
            "register_entry": getattr(certificate, "register_entry", None),
            "may_register": certificate.status in (Certificate.Status.ASSIGNED, Certificate.Status.USED)
            and can(user, Action.CREATE_CERTIFICATE),
        }
        if allowed(certificate, Certificate.Status.ASSIGNED):
            today = timezone.localdate()
            check = check_assignment(certificate, services.assignment_context(certificate, today))
            context["problems"] = check.problems
            context["may_assign"] = can(user, Action.CREATE_CERTIFICATE)
            defined_request = context["defined_request"]
            # Each answer has its own "Change" link while the draft may still be edited (a defined CoS
            # request fixes the details once the Home Office has decided it).
            if context["may_assign"] and (defined_request is None or defined_request.status == "submitted"):
                context["change_url"] = reverse("certificates:edit", args=[certificate.uuid])
            try:
                context["costs"] = services.certificate_costs(certificate, today) if certificate.route else None
            except DomainError as error:
                context["costs_error"] = str(error)
        return context


class CertificateAssignView(PolicyMixin, View):
    action = Action.CREATE_CERTIFICATE
    http_method_names = ["post"]

    def load(self, request, *args, **kwargs):
        self.certificate = selectors.certificate_for_user(user=request.user, uuid=kwargs["uuid"])

    def post(self, request, uuid):
        try:
            assigned = services.certificate_assign(certificate=self.certificate, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("certificates:detail", uuid)
        messages.success(
            request,
            f"Certificate {assigned.reference} assigned to {assigned.worker_name}. "
            f"Charged {format_pounds(assigned.fee_pence + assigned.skills_charge_pence)}.",
        )
        return redirect("certificates:detail", uuid)


class CertificateWithdrawView(ServiceFormView):
    """Withdraw an assigned certificate, with a reason (Level 2: only their own)."""

    action = Action.WITHDRAW_CERTIFICATE
    form_class = forms.ReasonForm
    title = "Withdraw the certificate"
    button_text = "Withdraw certificate"
    warning = "A withdrawn certificate cannot be used again and does not go back to your allocation."

    def load(self, request, *args, **kwargs):
        self.certificate = selectors.certificate_for_user(user=request.user, uuid=kwargs["uuid"])
        if not can(request.user, Action.WITHDRAW_CERTIFICATE, self.certificate):
            raise PermissionDenied

    def unavailable(self):
        return services.certificate_withdrawal_refusal(self.certificate)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "Why are you withdrawing it?",
            "message": "Enter why you are withdrawing the certificate",
        }

    @property
    def caption(self):
        return f"{self.certificate.reference}: {self.certificate.worker_name}"

    def get_back_url(self):
        return reverse("certificates:detail", args=[self.certificate.uuid])

    def perform(self, data):
        services.certificate_withdraw(certificate=self.certificate, actor=self.request.user, reason=data["reason"])
        return f"Certificate {self.certificate.reference} withdrawn"


class CertificateNoteView(PolicyMixin, View):
    action = Action.WITHDRAW_CERTIFICATE
    http_method_names = ["post"]

    def load(self, request, *args, **kwargs):
        self.certificate = selectors.certificate_for_user(user=request.user, uuid=kwargs["uuid"])
        if not can(request.user, Action.WITHDRAW_CERTIFICATE, self.certificate):
            raise PermissionDenied

    def post(self, request, uuid):
        form = forms.NoteForm(request.POST)
        if form.is_valid():
            try:
                services.certificate_add_note(
                    certificate=self.certificate, actor=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, "Sponsor note added")
            except DomainError as error:
                messages.error(request, str(error))
        else:
            messages.error(request, "Enter the note")
        return redirect("certificates:detail", uuid)


class DefinedCosRequestView(PolicyMixin, View):
    """Request a defined CoS for a named Skilled Worker applying from outside the UK."""

    action = Action.CREATE_CERTIFICATE

    def _render(self, form, problems=()):
        return render(self.request, "certificates/defined_form.html", {"form": form, "problems": problems})

    def get(self, request):
        return self._render(forms.DefinedCosForm())

    def post(self, request):
        form = forms.DefinedCosForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            made = services.defined_cos_request_submit(
                sponsor=request.user.sponsor, actor=request.user, data=form.cleaned_data
            )
        except services.AssignmentRefused as refused:
            for problem in refused.problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
            return self._render(form)
        except DomainError as error:
            form.add_error(None, str(error))
            return self._render(form)
        messages.success(request, f"Defined CoS request {made.reference} sent to the Home Office")
        return redirect("certificates:detail", made.certificate.uuid)


class AllocationsView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "certificates/allocations.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "year": selectors.current_allocation_year(sponsor_id=user.sponsor_id),
            "today": timezone.localdate(),
            "allocations": selectors.current_allocations(sponsor_id=user.sponsor_id),
            "history": selectors.allocation_history(sponsor_id=user.sponsor_id),
            "requests": selectors.allocation_requests_for_user(user=user),
            "defined_requests": selectors.defined_requests_for_user(user=user),
            "may_request": can(user, Action.REQUEST_ALLOCATION),
            "defined_statuses": DefinedCosRequest.Status,
        }


class AllocationRequestView(ServiceFormView):
    action = Action.REQUEST_ALLOCATION
    form_class = forms.AllocationRequestForm
    title = "Request certificates"
    intro = "Ask for more certificates this year, or for next year's allocation. The Home Office decides."
    button_text = "Send request"

    def load(self, request, *args, **kwargs):
        self.options = selectors.allocation_request_options(sponsor_id=request.user.sponsor_id)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "options": self.options}

    @property
    def warning(self):
        if self.options.priority_unavailable:
            return f"{self.options.priority_unavailable}, so it is not offered here."
        return ""

    def get_back_url(self):
        return reverse("certificates:allocations")

    def perform(self, data):
        self.created = allocation_services.allocation_request_submit(
            sponsor=self.request.user.sponsor,
            actor=self.request.user,
            kind=data["kind"],
            requested={name: data.get(name) or 0 for name in ("worker", "temporary_worker", "student")},
            justification=data["justification"],
            named_individuals=data["named_individuals"],
            priority=data.get("priority", False),
        )
        self.next_url = reverse("certificates:allocation_request", args=[self.created.reference])
        if self.created.status != AllocationRequest.Status.AWAITING_PAYMENT:
            return f"Request {self.created.reference} sent to the Home Office"
        # A priority request: on to the payment provider for the priority service fee.
        return_url = self.request.build_absolute_uri(
            reverse("certificates:allocation_request_paid", args=[self.created.reference])
        )
        try:
            payment = allocation_services.allocation_priority_payment_start(
                request=self.created, actor=self.request.user, return_url=return_url
            )
        except DomainError as error:
            messages.error(
                self.request, f"Request {self.created.reference} is waiting for its priority service fee. {error}"
            )
            return None
        self.next_url = payment.next_url
        return None

    def get_success_url(self):
        return self.next_url


class AllocationRequestDetailView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "certificates/allocation_request.html"

    def load(self, request, *args, **kwargs):
        self.allocation_request = selectors.allocation_request_for_user(
            user=request.user, reference=kwargs["reference"]
        )

    def get_context_data(self, **kwargs):
        may_request = can(self.request.user, Action.REQUEST_ALLOCATION)
        return {
            **super().get_context_data(**kwargs),
            "allocation_request": self.allocation_request,
            "may_withdraw": allowed(self.allocation_request, AllocationRequest.Status.WITHDRAWN) and may_request,
            "may_pay": self.allocation_request.status == AllocationRequest.Status.AWAITING_PAYMENT and may_request,
            "payments": payment_selectors.payments_for(
                purpose=Payment.Purpose.ALLOCATION_PRIORITY, subject_reference=self.allocation_request.reference
            ),
        }


class AllocationPriorityPayView(FeePayView):
    """Pay a request's priority service fee (after a payment that did not complete, or could not start)."""

    action = Action.REQUEST_ALLOCATION

    def load(self, request, *args, **kwargs):
        self.allocation_request = selectors.allocation_request_for_user(
            user=request.user, reference=kwargs["reference"]
        )

    def start_payment(self, return_url):
        return allocation_services.allocation_priority_payment_start(
            request=self.allocation_request, actor=self.request.user, return_url=return_url
        )

    def detail_url(self):
        return reverse("certificates:allocation_request", args=[self.allocation_request.reference])

    def return_url(self):
        return reverse("certificates:allocation_request_paid", args=[self.allocation_request.reference])


class AllocationPriorityPaymentReturnView(FeePaymentReturnView):
    action = Action.REQUEST_ALLOCATION

    def load(self, request, *args, **kwargs):
        self.allocation_request = selectors.allocation_request_for_user(
            user=request.user, reference=kwargs["reference"]
        )

    def confirm_payment(self):
        return allocation_services.allocation_priority_payment_confirm(request=self.allocation_request)

    def still_due(self):
        return (
            "Your request has not been sent to the Home Office: pay the priority service fee, or send it without "
            "the priority service."
        )

    def detail_url(self, payment):
        return reverse("certificates:allocation_request", args=[self.allocation_request.reference])


class AllocationPriorityDropView(PolicyMixin, View):
    """Send a request waiting for its priority service fee as a standard request instead."""

    action = Action.REQUEST_ALLOCATION
    http_method_names = ["post"]

    def load(self, request, *args, **kwargs):
        self.allocation_request = selectors.allocation_request_for_user(
            user=request.user, reference=kwargs["reference"]
        )

    def post(self, request, reference):
        try:
            allocation_services.allocation_request_priority_drop(request=self.allocation_request, actor=request.user)
            messages.success(request, f"Request {reference} sent to the Home Office without the priority service")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("certificates:allocation_request", reference)


class AllocationRequestWithdrawView(PolicyMixin, View):
    action = Action.REQUEST_ALLOCATION
    http_method_names = ["post"]

    def load(self, request, *args, **kwargs):
        self.allocation_request = selectors.allocation_request_for_user(
            user=request.user, reference=kwargs["reference"]
        )

    def post(self, request, reference):
        try:
            allocation_services.allocation_request_withdraw(request=self.allocation_request, actor=request.user)
            messages.success(request, "Request withdrawn")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("certificates:allocation_request", reference)


class ImportView(ImportFileView):
    """Create certificates in bulk from a CSV (CoS) or XML (CAS) file: all rows or none."""

    action = Action.CREATE_CERTIFICATE
    form_class = forms.ImportForm
    template_name = "certificates/import.html"
    success_url_name = "certificates:list"

    def _render(self, form, errors=()):
        context = {
            "form": form,
            "file_errors": errors,
            "imports": selectors.certificate_imports_for_user(user=self.request.user)[:5],
            "max_rows": bulk.MAX_ROWS,
            "max_megabytes": bulk.MAX_CSV_BYTES // (1024 * 1024),
            "background_rows": bulk.BACKGROUND_ROWS,
        }
        return render(self.request, self.template_name, context)

    def run(self, form):
        importer = bulk.certificates_import_csv if form.cleaned_data["file_format"] == "csv" else bulk.cas_import_xml
        created = importer(
            sponsor=self.request.user.sponsor, actor=self.request.user, upload=form.cleaned_data["upload"]
        )
        if isinstance(created, CertificateImport):  # a large file: the background worker imports it
            return redirect(created)
        return f"{len(created)} draft certificate{'s' if len(created) != 1 else ''} created"


class ImportProgressView(PolicyMixin, TemplateView):
    """A large file's import by the background worker: how far the check has got, then the drafts
    created or every problem by row and column (the sponsor's imports only)."""

    action = Action.CREATE_CERTIFICATE
    template_name = "certificates/import_progress.html"

    def load(self, request, *args, **kwargs):
        self.job = selectors.certificate_import_for_user(user=request.user, uuid=kwargs["uuid"])

    def get_context_data(self, **kwargs):
        job = self.job
        context = {**super().get_context_data(**kwargs), "job": job, "working": job.status in WORKING}
        if job.status == CertificateImport.Status.CREATED:
            day = timezone.localtime(job.finished_at).date().isoformat()
            query = urlencode(
                {"status": "draft", "created_by": job.requested_by.user_id, "created_from": day, "created_to": day}
            )
            context["drafts_url"] = f"{reverse('certificates:list')}?{query}"
        return context


WORKING = (CertificateImport.Status.QUEUED, CertificateImport.Status.CHECKING)


class ImportTemplateView(PolicyMixin, View):
    action = Action.CREATE_CERTIFICATE

    def get(self, request):
        response = HttpResponse(bulk.csv_template(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="certificates-template.csv"'
        return response


class CasSchemaView(PolicyMixin, View):
    """The XML schema a CAS batch file must follow, as named on the upload page."""

    action = Action.CREATE_CERTIFICATE

    def get(self, request):
        response = HttpResponse(bulk.CAS_SCHEMA_PATH.read_bytes(), content_type="application/xml")
        response["Content-Disposition"] = 'attachment; filename="cas_batch.xsd"'
        return response


class CasExportView(PolicyMixin, View):
    """The sponsor's CAS numbers and statuses, as a ZIP of XML."""

    action = Action.VIEW_SPONSOR_RECORDS

    def get(self, request):
        response = HttpResponse(bulk.cas_export_zip(sponsor_id=request.user.sponsor_id), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="cas-statuses-{timezone.localdate().isoformat()}.zip"'
        return response
