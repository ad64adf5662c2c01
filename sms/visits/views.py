"""Home Office pages for compliance visits: list (overall and per sponsor), plan, record, view."""

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.licensing.selectors import sponsor_for_staff
from sms.visits import selectors, services
from sms.visits.forms import VisitPlanForm, VisitRecordForm
from sms.visits.models import ComplianceVisit
from sms.web.formviews import ServiceFormView

PAGE_SIZE = 50


class VisitListView(PolicyMixin, TemplateView):
    """Every visit, or one sponsor's, newest first; filtered by status."""

    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "visits/list.html"

    def load(self, request, *args, **kwargs):
        self.sponsor = sponsor_for_staff(uuid=kwargs["uuid"]) if "uuid" in kwargs else None

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        visits = selectors.visit_list(sponsor=self.sponsor, status=status)
        return {
            **super().get_context_data(**kwargs),
            "sponsor": self.sponsor,
            "page": Paginator(visits, PAGE_SIZE).get_page(self.request.GET.get("page")),
            "status": status,
            "statuses": ComplianceVisit.Status.choices,
            "may_record": can(self.request.user, Action.RECORD_COMPLIANCE_VISIT),
        }


class VisitDetailView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "visits/detail.html"

    def get_context_data(self, **kwargs):
        visit = selectors.visit_for_staff(uuid=kwargs["uuid"])
        return {
            **super().get_context_data(**kwargs),
            "visit": visit,
            "may_record": can(self.request.user, Action.RECORD_COMPLIANCE_VISIT),
        }


class VisitPlanView(ServiceFormView):
    action = Action.RECORD_COMPLIANCE_VISIT
    form_class = VisitPlanForm
    title = "Plan a compliance visit"
    button_text = "Plan visit"

    def load(self, request, *args, **kwargs):
        self.sponsor = sponsor_for_staff(uuid=kwargs["uuid"])
        self.caption = self.sponsor.name

    def perform(self, data):
        self.visit = services.visit_plan(
            actor=self.request.user,
            sponsor=self.sponsor,
            visit_date=data["visit_date"],
            announced=data["announced"],
            officer=data["officer"],
        )
        return "Visit planned" + (": the sponsor has been told" if self.visit.announced else "")

    def get_back_url(self):
        return reverse("visits:sponsor_visits", kwargs={"uuid": self.sponsor.uuid})

    def get_success_url(self):
        return reverse("visits:detail", kwargs={"uuid": self.visit.uuid})


class VisitRecordView(ServiceFormView):
    action = Action.RECORD_COMPLIANCE_VISIT
    form_class = VisitRecordForm
    title = "Record a compliance visit"
    button_text = "Record visit"

    def load(self, request, *args, **kwargs):
        self.visit = selectors.visit_for_staff(uuid=kwargs["uuid"])
        self.caption = self.visit.sponsor.name

    def get_initial(self):
        return {"officer": self.visit.officer_id, "visit_date": self.visit.visit_date}

    def perform(self, data):
        services.visit_record(actor=self.request.user, visit=self.visit, **data)
        return "Visit recorded"

    def get_back_url(self):
        return reverse("visits:detail", kwargs={"uuid": self.visit.uuid})
