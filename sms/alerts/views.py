"""Pages: the user's notifications, the sponsor's alert settings and the user's own alert preference."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.alerts import forms, selectors, services
from sms.web.formviews import ServiceFormView

PAGE_SIZE = 25


class NotificationListView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "alerts/notifications.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.notifications_for(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "notifications": page.object_list,
            "unread": selectors.unread_count(self.request.user),
        }


class NotificationReadView(PolicyMixin, View):
    """Mark one notification read; with ``open``, go on to what it is about."""

    action = Action.VIEW_SPONSOR_RECORDS
    http_method_names = ["post"]

    def post(self, request, alert):
        notification = services.notification_mark_read(user=request.user, alert_id=alert)
        link = notification.alert.link
        if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
            return redirect(link)
        messages.success(request, "Marked as read")
        return redirect(_back(request))


class NotificationsReadAllView(PolicyMixin, View):
    action = Action.VIEW_SPONSOR_RECORDS
    http_method_names = ["post"]

    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
        return redirect(_back(request))


def _back(request) -> str:
    """The list page the button was on (its page number kept)."""
    page = request.POST.get("page", "")
    url = reverse("alerts:notifications")
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url


class AlertSettingsView(ServiceFormView):
    action = Action.MANAGE_SETTINGS
    form_class = forms.AlertRecipientsForm
    title = "Alert settings"
    intro = (
        "Choose who is told about each kind of alert. They see it in their notifications list and, unless they "
        "have chosen otherwise on their account page, get an email."
    )
    button_text = "Save alert settings"
    template_name = "alerts/settings.html"

    def get_initial(self):
        return services.recipients_of(self.request.user.sponsor)

    def get_back_url(self):
        return reverse("portal:licence_summary")

    def get_success_url(self):
        return reverse("alerts:settings")

    def perform(self, data):
        services.alert_recipients_update(sponsor=self.request.user.sponsor, actor=self.request.user, recipients=data)
        return "Alert settings saved"


class AlertPreferenceView(ServiceFormView):
    action = Action.MANAGE_OWN_ACCOUNT
    form_class = forms.AlertPreferenceForm
    title = "How you get alerts"
    button_text = "Save"

    def get_initial(self):
        return {"by_email": "yes" if self.request.user.alerts_by_email else "no"}

    def get_back_url(self):
        return reverse("accounts:account")

    def perform(self, data):
        services.alert_preference_set(user=self.request.user, by_email=data["by_email"])
        return "Alerts by email on" if data["by_email"] else "Alerts in the service only: you will not get alert emails"
