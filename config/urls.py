"""Every route of the service. Each view declares its policy action (tests/test_routes.py)."""

from django.urls import include, path

urlpatterns = [
    path("", include("sms.portal.urls")),
    path("", include("sms.accounts.urls")),
    path("", include("sms.trail.urls")),
    path("", include("sms.licensing.urls")),
    path("", include("sms.certificates.urls")),
    path("", include("sms.reporting.urls")),
    path("", include("sms.visits.urls")),
    path("", include("sms.register.urls")),
    path("", include("sms.referencedata.urls")),
    path("", include("sms.casework.urls")),
    path("", include("sms.messageboard.urls")),
    path("", include("sms.payments.urls")),
    path("", include("sms.compliance.urls")),
    path("", include("sms.auditpack.urls")),
    path("", include("sms.righttowork.urls")),
    path("", include("sms.dashboard.urls")),
    path("", include("sms.api.urls")),
    path("", include("sms.alerts.urls")),
    path("", include("sms.webhooks.urls")),
]

handler403 = "sms.core.errors.permission_denied"
handler404 = "sms.core.errors.page_not_found"
handler500 = "sms.core.errors.server_error"
