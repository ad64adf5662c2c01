"""Home Office: reports received from sponsors, late ones flagged."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.reporting import reports, selectors


class ReceivedReportsView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "reporting/homeoffice/reports.html"

    def get_context_data(self, **kwargs):
        late_only = self.request.GET.get("late") == "1"
        page = Paginator(selectors.received_reports(late_only=late_only), 50).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "late_only": late_only,
        }


class ReceivedReportView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "reporting/homeoffice/report.html"

    def get_context_data(self, **kwargs):
        obligation = selectors.received_report(uuid=kwargs["uuid"])
        return {
            **super().get_context_data(**kwargs),
            "obligation": obligation,
            "report_rows": reports.report_rows(obligation),
        }
