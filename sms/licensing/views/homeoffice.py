"""Home Office pages: the application and request queues, decisions, sponsors and enforcement."""

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.core.fees import format_pounds
from sms.core.keyset import ordered_page
from sms.core.lifecycle import allowed
from sms.licensing import forms, selectors
from sms.licensing.models import LicenceApplication, SponsorRequest
from sms.licensing.services import applications as application_services
from sms.licensing.services import licence as licence_services
from sms.licensing.services import requests as request_services
from sms.licensing.views.apply import answer_rows
from sms.web.formviews import ServiceFormView

PAGE_SIZE = 25
MATCHES_COUNTED = 1000


class ApplicationQueueView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "licensing/homeoffice/application_queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", LicenceApplication.Status.SUBMITTED)
        if status not in LicenceApplication.Status.values:
            status = ""
        page = Paginator(selectors.application_queue(status=status), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "status": status,
            "statuses": [(value, label) for value, label in LicenceApplication.Status.choices if value != "draft"],
        }


class ApplicationDetailView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "licensing/homeoffice/application_detail.html"

    def get_context_data(self, **kwargs):
        application = selectors.application_for_staff(reference=kwargs["reference"])
        return {
            **super().get_context_data(**kwargs),
            "application": application,
            "rows": answer_rows(application),
            "fee": format_pounds(application.fee_pence) if application.fee_pence is not None else "",
            "fee_basis": application_services.application_fee_basis(application.answers),
            "may_decide": can(self.request.user, Action.DECIDE_CASES)
            and allowed(application, LicenceApplication.Status.REFUSED),
        }


class ApplicationDecisionView(ServiceFormView):
    """Base for a caseworker's decision on an application."""

    action = Action.DECIDE_CASES

    def load(self, request, *args, **kwargs):
        self.application = selectors.application_for_staff(reference=kwargs["reference"])

    @property
    def caption(self):
        return f"{self.application.organisation_name}, application {self.application.reference}"

    def get_back_url(self):
        return reverse("licensing:ho_application", args=[self.application.reference])


class ApplicationRefuseView(ApplicationDecisionView):
    form_class = forms.ReasonForm
    title = "Refuse the application"
    button_text = "Refuse application"
    intro = "The applicant will be told these reasons."

    def perform(self, data):
        application_services.application_refuse(
            application=self.application, actor=self.request.user, reasons=data["reason"]
        )
        return "Application refused"


class ApplicationRequestInformationView(ApplicationDecisionView):
    form_class = forms.InformationRequestForm
    title = "Ask for more information"
    button_text = "Send request"
    intro = "The Authorising Officer is emailed a link to reply and upload documents. The link works once."

    def perform(self, data):
        application_services.application_request_information(
            application=self.application, actor=self.request.user, request_text=data["request_text"]
        )
        return "Request for more information sent"


class RequestQueueView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "licensing/homeoffice/request_queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", SponsorRequest.Status.SUBMITTED)
        kind = self.request.GET.get("kind", "")
        status = status if status in SponsorRequest.Status.values else ""
        kind = kind if kind in SponsorRequest.Kind.values else ""
        page = Paginator(selectors.request_queue(status=status, kind=kind), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": SponsorRequest.Status.choices,
            "kinds": SponsorRequest.Kind.choices,
        }


class RequestDetailView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "licensing/homeoffice/request_detail.html"

    def get_context_data(self, **kwargs):
        sponsor_request = selectors.request_for_staff(reference=kwargs["reference"])
        return {
            **super().get_context_data(**kwargs),
            "sponsor_request": sponsor_request,
            "fee": format_pounds(sponsor_request.fee_pence) if sponsor_request.fee_pence is not None else "",
            "may_decide": can(self.request.user, Action.DECIDE_CASES)
            and allowed(sponsor_request, SponsorRequest.Status.GRANTED),
        }


class RequestDecisionView(ServiceFormView):
    action = Action.DECIDE_CASES

    def load(self, request, *args, **kwargs):
        self.sponsor_request = selectors.request_for_staff(reference=kwargs["reference"])

    @property
    def caption(self):
        request = self.sponsor_request
        return f"{request.sponsor.name}: {request.get_kind_display()} {request.reference}"

    def get_back_url(self):
        return reverse("licensing:ho_request", args=[self.sponsor_request.reference])


class RequestGrantView(RequestDecisionView):
    form_class = forms.OptionalReasonForm
    title = "Grant the request"
    button_text = "Grant request"
    intro = "Granting applies the change to the licence at once."

    def perform(self, data):
        request_services.request_grant(request=self.sponsor_request, actor=self.request.user, reason=data["reason"])
        return "Request granted"


class RequestRefuseView(RequestDecisionView):
    form_class = forms.ReasonForm
    title = "Refuse the request"
    button_text = "Refuse request"
    intro = "The sponsor will be told these reasons."

    def perform(self, data):
        request_services.request_refuse(request=self.sponsor_request, actor=self.request.user, reason=data["reason"])
        return "Request refused"


class SponsorListView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "licensing/homeoffice/sponsor_list.html"

    def get_context_data(self, **kwargs):
        search = self.request.GET.get("q", "").strip()[:100]
        sponsors = selectors.sponsor_list(search=search)
        # Pages found from the name next to them (an index seek at any depth), not counted and skipped:
        # counting 120,000 sponsors on every page was most of the page's time (issue 14).
        page = ordered_page(sponsors, self.request.GET, size=PAGE_SIZE, field="name")
        # A search says how many match, up to a bound that keeps the count cheap.
        matches = sponsors[: MATCHES_COUNTED + 1].count() if search else None
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "search": search,
            "matches": matches,
            "matches_capped": matches is not None and matches > MATCHES_COUNTED,
            "matches_counted": MATCHES_COUNTED,
        }


class SponsorDetailView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "licensing/homeoffice/sponsor_detail.html"

    def get_context_data(self, **kwargs):
        sponsor = selectors.sponsor_for_staff(uuid=kwargs["uuid"])
        return {
            **super().get_context_data(**kwargs),
            "sponsor": sponsor,
            "licence": sponsor.licence,
            "may_enforce": can(self.request.user, Action.ENFORCE_LICENCE),
            "requests": sponsor.requests.order_by("-created_at")[:10],
        }


class LicenceEnforcementView(ServiceFormView):
    """Suspend, reinstate or revoke a licence, with reasons."""

    action = Action.ENFORCE_LICENCE
    form_class = forms.ReasonForm
    service = None
    done = ""

    def load(self, request, *args, **kwargs):
        self.sponsor = selectors.sponsor_for_staff(uuid=kwargs["uuid"])

    @property
    def caption(self):
        return f"{self.sponsor.name}, licence {self.sponsor.licence.number}"

    def get_back_url(self):
        return reverse("licensing:ho_sponsor", args=[self.sponsor.uuid])

    def perform(self, data):
        self.service(licence=self.sponsor.licence, actor=self.request.user, reason=data["reason"])
        return self.done


class LicenceSuspendView(LicenceEnforcementView):
    service = staticmethod(licence_services.licence_suspend)
    title = "Suspend the licence"
    button_text = "Suspend licence"
    intro = "While suspended the sponsor cannot assign certificates; its reporting duties continue."
    done = "Licence suspended"


class LicenceReinstateView(LicenceEnforcementView):
    service = staticmethod(licence_services.licence_reinstate)
    title = "Reinstate the licence"
    button_text = "Reinstate licence"
    done = "Licence reinstated"


class LicenceRevokeView(LicenceEnforcementView):
    service = staticmethod(licence_services.licence_revoke)
    title = "Revoke the licence"
    button_text = "Revoke licence"
    warning = "The sponsor's users will no longer be able to sign in."
    done = "Licence revoked"
