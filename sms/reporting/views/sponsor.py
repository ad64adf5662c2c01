"""Sponsor pages: the worker register, recording facts, obligations and reporting them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, Scope, can, scope
from sms.certificates.selectors import certificate_for_user
from sms.core.exceptions import DomainError
from sms.core.lifecycle import allowed
from sms.reporting import forms, imports, reports, selectors
from sms.reporting.catalogue import EVENTS
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.reporting.services import facts, obligations
from sms.web.formviews import ServiceFormView
from sms.web.importviews import ImportFileView

PAGE_SIZE = 50


class RegisterView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "reporting/register.html"

    def get_context_data(self, **kwargs):
        search = self.request.GET.get("q", "")[:100]
        status = self.request.GET.get("status", "")
        status = status if status in SponsoredPerson.Status.values else ""
        page = Paginator(
            selectors.people_list(user=self.request.user, search=search, status=status), PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "search": search,
            "status": status,
            "statuses": SponsoredPerson.Status.choices,
        }


class RegisterFromCertificateView(PolicyMixin, View):
    """Add the holder of an assigned or used certificate to the register."""

    action = Action.CREATE_CERTIFICATE
    http_method_names = ["post"]

    def load(self, request, *args, **kwargs):
        self.certificate = certificate_for_user(user=request.user, uuid=kwargs["uuid"])

    def post(self, request, uuid):
        try:
            person = facts.person_register_from_certificate(certificate=self.certificate, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("certificates:detail", uuid)
        messages.success(request, f"{person.full_name} is on the worker register")
        return redirect("reporting:person", person.uuid)


class PersonView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "reporting/person.html"

    def load(self, request, *args, **kwargs):
        self.person = selectors.person_for_user(user=request.user, uuid=kwargs["uuid"])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "person": self.person,
            "facts": self.person.facts.select_related("recorded_by")[:100],
            "obligations": self.person.obligations.order_by("legal_deadline")[:50],
            "fact_kinds": [(kind, Fact.Kind(kind).label) for kind in forms.facts_for(self.person)],
            "may_record": can(self.request.user, Action.REPORT_ACTIVITY, self.person),
        }


class AbsenceEndView(ServiceFormView):
    """Record the last day of an absence that was still going on when it was recorded."""

    action = Action.REPORT_ACTIVITY
    form_class = forms.AbsenceEndForm
    title = "When did the absence end?"
    button_text = "Save the last day"

    def load(self, request, *args, **kwargs):
        self.person = selectors.person_for_user(user=request.user, uuid=kwargs["uuid"])
        self.fact = get_object_or_404(self.person.facts, pk=kwargs["fact"], kind="absence", end_date__isnull=True)
        if not can(request.user, Action.REPORT_ACTIVITY, self.person):
            raise PermissionDenied

    @property
    def caption(self):
        return f"{self.person.full_name}: absence from {self.fact.start_date:%-d %B %Y}"

    def get_back_url(self):
        return reverse("reporting:person", args=[self.person.uuid])

    def get_success_url(self):
        return self.get_back_url()

    def perform(self, data):
        facts.absence_end(fact=self.fact, actor=self.request.user, last_day=data["last_day"])
        return f"Absence from {self.fact.start_date:%-d %B %Y} to {data['last_day']:%-d %B %Y} recorded"


class PersonDetailsView(ServiceFormView):
    """The worker's permission (visa) dates and working pattern."""

    action = Action.REPORT_ACTIVITY
    form_class = forms.PersonDetailsForm
    title = "Permission and working pattern"
    button_text = "Save"

    def load(self, request, *args, **kwargs):
        self.person = selectors.person_for_user(user=request.user, uuid=kwargs["uuid"])
        if not can(request.user, Action.REPORT_ACTIVITY, self.person):
            raise PermissionDenied

    @property
    def caption(self):
        return self.person.full_name

    def get_initial(self):
        return {
            "permission_start": self.person.permission_start,
            "permission_end": self.person.permission_end,
            "days_per_week": self.person.days_per_week,
        }

    def get_back_url(self):
        return reverse("reporting:person", args=[self.person.uuid])

    def perform(self, data):
        facts.person_details_update(
            person=self.person,
            actor=self.request.user,
            permission_start=data["permission_start"],
            permission_end=data["permission_end"],
            days_per_week=data["days_per_week"],
        )
        return "Saved"


class FactRecordView(ServiceFormView):
    action = Action.REPORT_ACTIVITY
    form_class = forms.FactForm
    button_text = "Save"

    def load(self, request, *args, **kwargs):
        self.person = selectors.person_for_user(user=request.user, uuid=kwargs["uuid"])
        if kwargs["kind"] not in forms.facts_for(self.person):
            raise Http404
        if not can(request.user, Action.REPORT_ACTIVITY, self.person):
            raise PermissionDenied

    @property
    def title(self):
        return f"Record: {Fact.Kind(self.kwargs['kind']).label.lower()}"

    @property
    def caption(self):
        return self.person.full_name

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kwargs["kind"]}

    def get_back_url(self):
        return reverse("reporting:person", args=[self.person.uuid])

    def perform(self, data):
        before = self.person.obligations.count()
        facts.fact_record(person=self.person, actor=self.request.user, kind=self.kwargs["kind"], **self.form.values())
        opened = self.person.obligations.count() - before
        return "Saved" + (f". {opened} reporting obligation{'s' if opened != 1 else ''} opened" if opened else "")


class ObligationListView(PolicyMixin, TemplateView):
    """Obligations, most urgent first, with filters; a fixed number of queries per page."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "reporting/obligations.html"

    def get_context_data(self, **kwargs):
        search = selectors.obligation_search(user=self.request.user, data=self.request.GET)
        page = Paginator(search.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        for obligation in page.object_list:
            obligation.flags = selectors.flags(obligation, today)
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "form": search.form,
            "page": page,
            "may_open": can(user, Action.REPORT_ACTIVITY),
            "only_theirs": scope(user, Action.REPORT_ACTIVITY) is not Scope.ALL,
        }


class ObligationView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "reporting/obligation.html"

    def load(self, request, *args, **kwargs):
        self.obligation = selectors.obligation_for_user(user=request.user, uuid=kwargs["uuid"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "obligation": self.obligation,
            "flags": selectors.flags(self.obligation),
            "event": EVENTS[self.obligation.event],
            "report_rows": reports.report_rows(self.obligation),
            "who_may_report": selectors.who_may_report(self.obligation),
            "may_report": allowed(self.obligation, Obligation.Status.REPORTED_ON_TIME)
            and can(user, Action.REPORT_ACTIVITY, self.obligation),
            "may_cancel": allowed(self.obligation, Obligation.Status.CANCELLED) and can(user, Action.CANCEL_OBLIGATION),
        }


class ObligationReportView(ServiceFormView):
    """The report an event needs, with evidence and a declaration; marked on time or late on sending."""

    action = Action.REPORT_ACTIVITY
    form_class = forms.ReportForm
    template_name = "reporting/report_form.html"
    button_text = "Send report"

    def load(self, request, *args, **kwargs):
        self.obligation = selectors.obligation_for_user(user=request.user, uuid=kwargs["uuid"])
        if not can(request.user, Action.REPORT_ACTIVITY, self.obligation):
            raise PermissionDenied

    @property
    def title(self):
        return f"Report: {self.obligation.get_event_display()}"

    @property
    def caption(self):
        who = self.obligation.person.full_name if self.obligation.person_id else self.request.user.sponsor.name
        return f"{who}, due by {self.obligation.legal_deadline:%-d %B %Y}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": EVENTS[self.obligation.event]}

    def get_initial(self):
        return reports.report_initial(self.obligation)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "recorded": reports.recorded_rows(self.obligation)}

    def get_back_url(self):
        return reverse("reporting:obligation", args=[self.obligation.uuid])

    def perform(self, data):
        evidence = data.get("evidence")
        reported = obligations.obligation_report(
            obligation=self.obligation,
            actor=self.request.user,
            report=self.form.report(),
            uploads=[evidence] if evidence else [],
            declaration=data["declaration"],
        )
        return f"Report sent: {reported.get_status_display().lower()}"


class ObligationCancelView(ServiceFormView):
    action = Action.CANCEL_OBLIGATION
    form_class = forms.CancelForm
    title = "Cancel the obligation"
    button_text = "Cancel obligation"

    def load(self, request, *args, **kwargs):
        self.obligation = selectors.obligation_for_user(user=request.user, uuid=kwargs["uuid"])

    @property
    def caption(self):
        who = self.obligation.person.full_name if self.obligation.person_id else self.request.user.sponsor.name
        return f"{self.obligation.get_event_display()}, {who}"

    def get_back_url(self):
        return reverse("reporting:obligation", args=[self.obligation.uuid])

    def perform(self, data):
        obligations.obligation_cancel(obligation=self.obligation, actor=self.request.user, reason=data["reason"])
        return "Obligation cancelled"


class ObligationOpenView(ServiceFormView):
    """Open an obligation by hand for any catalogue event."""

    action = Action.REPORT_ACTIVITY
    form_class = forms.OpenObligationForm
    title = "Report something else"
    intro = "Open a reporting obligation for an event the register has not detected, such as a breach of conditions."
    button_text = "Open obligation"

    def get_form_kwargs(self):
        # Only the people this user may report about (Level 2: certificates they created and assigned).
        user = self.request.user
        people = selectors.people_list(user=user).select_related("certificate")[:500]
        return {
            **super().get_form_kwargs(),
            "people": [p for p in people if can(user, Action.REPORT_ACTIVITY, p)],
            "organisation": can(user, Action.REPORT_ACTIVITY, Obligation(sponsor=user.sponsor)),
        }

    def get_back_url(self):
        return reverse("reporting:obligations")

    def perform(self, data):
        person = selectors.person_for_user(user=self.request.user, uuid=data["person"]) if data["person"] else None
        self.created = obligations.obligation_open_by_hand(
            sponsor=self.request.user.sponsor,
            actor=self.request.user,
            event=data["event"],
            trigger_date=data["trigger_date"],
            person=person,
            details=data["details"],
        )
        return f"Obligation opened: report by {self.created.legal_deadline:%-d %B %Y}"

    def get_success_url(self):
        return reverse("reporting:obligation", args=[self.created.uuid])


class FactsImportView(ImportFileView):
    """Upload facts from an HR system's CSV: every row or none."""

    action = Action.REPORT_ACTIVITY
    form_class = forms.FactsImportForm
    template_name = "reporting/import.html"
    success_url_name = "reporting:obligations"
    nothing_done = "nothing was recorded"

    def run(self, form):
        count = imports.facts_import_csv(
            sponsor=self.request.user.sponsor, actor=self.request.user, upload=form.cleaned_data["upload"]
        )
        return f"{count} fact{'s' if count != 1 else ''} recorded"


class FactsTemplateView(PolicyMixin, View):
    action = Action.REPORT_ACTIVITY

    def get(self, request):
        response = HttpResponse(imports.facts_template(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="facts-template.csv"'
        return response
