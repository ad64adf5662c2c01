"""The home pages of each audience, the health check and the service's own information pages."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.licensing.selectors import queue_sizes


class HomeView(PolicyMixin, View):
    """Send each person to their audience's home page."""

    action = Action.MANAGE_OWN_ACCOUNT

    def get(self, request):
        if request.user.is_home_office:
            return redirect("core:home_office_home")
        return redirect("core:sponsor_home")


class SponsorHomeView(PolicyMixin, TemplateView):
    """The sponsor's home page: who they are and what they can do here."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "core/sponsor_home.html"


class HomeOfficeHomeView(PolicyMixin, TemplateView):
    """The Home Office staff home page, with the size of each queue."""

    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "core/home_office_home.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "queue": queue_sizes()}


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
