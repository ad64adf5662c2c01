"""Home Office pages: allocation requests, defined CoS requests, and recording a certificate's use."""

from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.certificates import forms, rules, selectors
from sms.certificates.models import AllocationRequest, Certificate
from sms.certificates.services import allocations as allocation_services
from sms.certificates.services import certificates as services
from sms.core.lifecycle import allowed
from sms.web.formviews import ServiceFormView


class AllocationRequestQueueView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "certificates/homeoffice/queues.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "allocation_requests": selectors.allocation_request_queue()[:200],
            "defined_requests": selectors.defined_request_queue()[:200],
        }


class AllocationRequestDecideView(ServiceFormView):
    action = Action.DECIDE_CASES
    form_class = forms.AllocationDecisionForm
    template_name = "certificates/homeoffice/allocation_decision.html"
    title = "Decide the allocation request"
    button_text = "Save decision"

    def load(self, request, *args, **kwargs):
        self.allocation_request = selectors.allocation_request_for_staff(reference=kwargs["reference"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "requested": self.allocation_request.requested}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "allocation_request": self.allocation_request,
            **selectors.allocation_decision_context(self.allocation_request),
        }

    @property
    def caption(self):
        return f"{self.allocation_request.sponsor.name}: {self.allocation_request.reference}"

    def get_back_url(self):
        return reverse("certificates:ho_queues")

    def get_success_url(self):
        return reverse("certificates:ho_queues")

    def unavailable(self):
        if self.allocation_request.status == AllocationRequest.Status.AWAITING_PAYMENT:
            return (
                f"Request {self.allocation_request.reference} is waiting for its priority service fee: it can be "
                "decided once the sponsor has paid it"
            )
        return ""

    def perform(self, data):
        decided = allocation_services.allocation_request_decide(
            request=self.allocation_request,
            actor=self.request.user,
            granted={key: data.get(key) or 0 for key in self.allocation_request.requested},
            reason=data["reason"],
        )
        return f"Request {decided.reference}: {decided.get_status_display().lower()}"


class DefinedCosDecideView(ServiceFormView):
    action = Action.DECIDE_CASES
    form_class = forms.ReasonForm
    template_name = "certificates/homeoffice/defined_decision.html"
    title = "Decide the defined CoS request"
    button_text = "Save decision"

    def load(self, request, *args, **kwargs):
        self.defined_request = selectors.defined_request_for_staff(reference=kwargs["reference"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(label="Reasons (needed to refuse)", message="Enter the reasons")
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["reason"].required = False
        return form

    def get_context_data(self, **kwargs):
        certificate = self.defined_request.certificate
        context = services.assignment_context(certificate, timezone.localdate())
        required, why_not = None, ""
        if context.occupation is not None and context.threshold is not None and certificate.weekly_hours:
            required, why_not = rules.required_salary(
                occupation=context.occupation,
                threshold=context.threshold,
                option=certificate.salary_option,
                weekly_hours=certificate.weekly_hours,
                hours_basis=context.hours_basis,
            )
        return {
            **super().get_context_data(**kwargs),
            "defined_request": self.defined_request,
            "certificate": certificate,
            "check": rules.check_assignment(certificate, context),
            "occupation": context.occupation,
            "route_rating": context.route_rating,
            "required_salary": required,
            "salary_option_problem": why_not,
        }

    def get_back_url(self):
        return reverse("certificates:ho_queues")

    def get_success_url(self):
        return reverse("certificates:ho_queues")

    def perform(self, data):
        grant = self.request.POST.get("decision") == "grant"
        decided = services.defined_cos_decide(
            request=self.defined_request, actor=self.request.user, grant=grant, reason=data["reason"]
        )
        return f"Defined CoS request {decided.reference}: {decided.get_status_display().lower()}"


class CertificateStaffView(PolicyMixin, TemplateView):
    """Any certificate by reference, for Home Office staff."""

    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "certificates/homeoffice/certificate.html"

    def get_context_data(self, **kwargs):
        certificate = selectors.certificate_for_staff(reference=kwargs["reference"])
        return {
            **super().get_context_data(**kwargs),
            "certificate": certificate,
            "may_record": can(self.request.user, Action.DECIDE_CASES) and allowed(certificate, Certificate.Status.USED),
        }


class CertificateRecordUseView(ServiceFormView):
    """Record that a visa application used the certificate, with the decision and permission dates."""

    action = Action.DECIDE_CASES
    form_class = forms.MarkUsedForm
    title = "Record the visa application"
    button_text = "Record as used"

    def load(self, request, *args, **kwargs):
        self.certificate = selectors.certificate_for_staff(reference=kwargs["reference"])

    @property
    def caption(self):
        return f"{self.certificate.reference}: {self.certificate.worker_name}"

    def get_back_url(self):
        return reverse("certificates:ho_certificate", args=[self.certificate.reference])

    def perform(self, data):
        services.certificate_mark_used(
            certificate=self.certificate,
            actor=self.request.user,
            visa_decision=data["visa_decision"],
            permission_start=data["permission_start"],
            permission_end=data["permission_end"],
        )
        return "Certificate recorded as used"


class CertificateCancelView(ServiceFormView):
    """The Home Office cancels an assigned certificate, with a reason the sponsor sees."""

    action = Action.DECIDE_CASES
    form_class = forms.ReasonForm
    title = "Cancel the certificate"
    button_text = "Cancel certificate"
    warning = "A cancelled certificate cannot be used and does not go back to the sponsor's allocation."

    def load(self, request, *args, **kwargs):
        self.certificate = selectors.certificate_for_staff(reference=kwargs["reference"])

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "Why is it cancelled?",
            "message": "Enter why the certificate is cancelled",
        }

    @property
    def caption(self):
        return f"{self.certificate.reference}: {self.certificate.worker_name}"

    def get_back_url(self):
        return reverse("certificates:ho_certificate", args=[self.certificate.reference])

    def perform(self, data):
        services.certificate_cancel(certificate=self.certificate, actor=self.request.user, reason=data["reason"])
        return "Certificate cancelled"
