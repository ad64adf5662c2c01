"""The home pages of each audience, the health check and the service's own information pages."""

from django import forms
from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.casework import queues as casework_queues
from sms.certificates.selectors import current_allocations
from sms.compliance import selectors as compliance_selectors
from sms.core.dates import Nation
from sms.core.exceptions import DomainError
from sms.core.forms import GovukForm, uk_date_field
from sms.core.models import ClosureDay
from sms.dashboard import charts
from sms.dashboard import selectors as dashboard_selectors
from sms.licensing import forms as licensing_forms
from sms.licensing import selectors as licensing_selectors
from sms.licensing.selectors import queue_sizes
from sms.licensing.services import licence as licence_services
from sms.licensing.views.homeoffice import ApplicationDecisionView
from sms.portal import decisions
from sms.portal.services import closure_day_add, closure_day_problem, closure_day_remove
from sms.web.formviews import ServiceFormView


class HomeView(PolicyMixin, View):
    """Send each person to their audience's home page."""

    action = Action.MANAGE_OWN_ACCOUNT

    def get(self, request):
        if request.user.is_home_office:
            return redirect("portal:home_office_home")
        return redirect("portal:sponsor_home")


class SponsorHomeView(PolicyMixin, TemplateView):
    """The sponsor's dashboard: what needs doing, most urgent first; allocations; the compliance score
    and the monthly review (Level 1); charts with their tables. A Level 2 user sees what concerns the
    certificates they created (``sms.dashboard.selectors``)."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "portal/sponsor_home.html"

    def get_context_data(self, **kwargs):
        board = dashboard_selectors.dashboard(user=self.request.user)
        year = board.allocation_year
        return {
            **super().get_context_data(**kwargs),
            "board": board,
            "allocation_chart": charts.allocation_chart(board.allocation_chart, year.label if year else ""),
            "reports_chart": charts.reports_chart(board.reports_chart),
            "allocation_rows": [
                {"month": month, "values": [series["values"][i] for series in board.allocation_chart["series"]]}
                for i, month in enumerate(board.allocation_chart["months"])
            ],
            "report_rows": [
                {"month": month, "on_time": board.reports_chart["on_time"][i], "late": board.reports_chart["late"][i]}
                for i, month in enumerate(board.reports_chart["months"])
            ],
        }


class HomeOfficeHomeView(PolicyMixin, TemplateView):
    """The Home Office staff home page, with the size of each queue."""

    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "portal/home_office_home.html"

    def get_context_data(self, **kwargs):
        waiting = sum(count["total"] for count in casework_queues.queue_counts().values())
        return {**super().get_context_data(**kwargs), "queue": queue_sizes(), "cases_waiting": waiting}


class HealthCheckView(PolicyMixin, View):
    """200 while the database answers, 503 when it does not (for load balancers and monitors)."""

    action = Action.PUBLIC

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        return JsonResponse({"status": "ok", "database": "ok"})


class InformationPageView(PolicyMixin, TemplateView):
    """Accessibility statement, cookies and privacy notice: public text pages."""

    action = Action.PUBLIC


class ClosureDayForm(GovukForm):
    day = uk_date_field("Date", "Enter the date", example="29/12/2026")
    nation = forms.ChoiceField(label="Where", choices=[("", "Every nation"), *Nation.choices], required=False)
    reason = forms.CharField(
        label="Why", max_length=255, error_messages={"required": "Enter why the day is a closure day"}
    )

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("day")
        if day and (problem := closure_day_problem(day, today=timezone.localdate(), nation=cleaned.get("nation", ""))):
            self.add_error("day", problem)
        return cleaned


class ClosureDaysView(ServiceFormView):
    """Extra closure days, added by a Home Office administrator (announced bank holidays)."""

    action = Action.ADMINISTER_REFERENCE_DATA
    form_class = ClosureDayForm
    template_name = "portal/closure_days.html"
    title = "Closure days"
    intro = "Days that are not working days, beyond weekends and the bank holidays the service already knows."
    button_text = "Add closure day"

    def get_context_data(self, **kwargs):
        closures = list(ClosureDay.objects.order_by("-day")[:200])
        for closure in closures:
            closure.where = Nation(closure.nation).label if closure.nation else "Every nation"
        return {**super().get_context_data(**kwargs), "closures": closures, "today": timezone.localdate()}

    def perform(self, data):
        closure = closure_day_add(
            actor=self.request.user, day=data["day"], nation=data["nation"], reason=data["reason"]
        )
        return f"{closure.day.day} {closure.day:%B %Y} added"

    def get_success_url(self):
        return reverse("portal:closure_days")


class ClosureDayRemoveView(PolicyMixin, View):
    """Remove one closure day still to come (the button beside it on the closure days page)."""

    action = Action.ADMINISTER_REFERENCE_DATA
    http_method_names = ["post"]

    def post(self, request, pk):
        closure = ClosureDay.objects.filter(pk=pk).first()
        if closure is None:  # removed already (the button pressed twice)
            messages.error(request, "This closure day has already been removed")
            return redirect("portal:closure_days")
        try:
            closure_day_remove(actor=request.user, closure=closure)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{closure.day.day} {closure.day:%B %Y} removed")
        return redirect("portal:closure_days")


class LicenceSummaryView(PolicyMixin, TemplateView):
    """Licence number, status, routes and ratings, dates, key personnel, users, allocations, requests."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "licensing/summary.html"

    def get_context_data(self, **kwargs):
        summary = licensing_selectors.licence_summary(user=self.request.user)
        summary["allocations"] = current_allocations(sponsor_id=self.request.user.sponsor_id)
        licence = summary["licence"]
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            **summary,
            "renewal_opens": licence_services.renewal_window_opens(licence),
            "renewal_allowed": licence_services.renewal_allowed(licence, timezone.localdate()),
            "may_change": can(user, Action.CHANGE_KEY_PERSONNEL),
            "may_change_licence": can(user, Action.CHANGE_LICENCE),
            "may_manage_users": can(user, Action.MANAGE_LEVEL_2_USERS),
            "may_respond": can(user, Action.RESPOND_TO_SUSPENSION),
            "open_plans": compliance_selectors.open_action_plans_for_user(user=user),
            "representation": compliance_selectors.current_representation(licence=licence),
        }


class ApplicationGrantView(ApplicationDecisionView):
    form_class = licensing_forms.GrantApplicationForm
    title = "Grant the licence"
    button_text = "Grant licence"
    intro = (
        "The licence is issued A-rated. The Level 1 user is sent an activation link and the Authorising Officer "
        "is told their user ID."
    )

    def get_form_kwargs(self):
        requested = self.application.answers.get("routes", {}).get("routes", [])
        return {**super().get_form_kwargs(), "requested_routes": requested}

    def perform(self, data):
        sponsor = decisions.application_grant(
            application=self.application,
            actor=self.request.user,
            routes=data["routes"],
            validity_years=data["validity_years"],
            first_allocation=self.form.first_allocation(),
        )
        return f"Licence {sponsor.licence.number} granted to {sponsor.name}"
