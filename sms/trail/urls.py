from django.urls import path

from sms.trail.views import trail

app_name = "audit"

urlpatterns = [
    path("audit/", trail.AuditTrailView.as_view(), name="trail"),
    path("audit/export.csv", trail.AuditTrailExportView.as_view(), name="export"),
    path("home-office/audit/", trail.HomeOfficeAuditTrailView.as_view(), name="home_office_trail"),
    path(
        "home-office/audit/export.csv",
        trail.HomeOfficeAuditTrailExportView.as_view(),
        name="home_office_export",
    ),
]
