from django.urls import path

from sms.trail.views import trail

app_name = "audit"

urlpatterns = [
    path("audit/", trail.AuditTrailView.as_view(), name="trail"),
    path("audit/export.csv", trail.AuditTrailExportView.as_view(), name="export"),
    path("audit/exports/<uuid:uuid>/", trail.AuditExportStatusView.as_view(), name="export_status"),
    path("audit/exports/<uuid:uuid>/download/", trail.AuditExportDownloadView.as_view(), name="export_download"),
    path("home-office/audit/", trail.HomeOfficeAuditTrailView.as_view(), name="home_office_trail"),
    path(
        "home-office/audit/export.csv",
        trail.HomeOfficeAuditTrailExportView.as_view(),
        name="home_office_export",
    ),
    path(
        "home-office/audit/exports/<uuid:uuid>/",
        trail.HomeOfficeAuditExportStatusView.as_view(),
        name="home_office_export_status",
    ),
    path(
        "home-office/audit/exports/<uuid:uuid>/download/",
        trail.HomeOfficeAuditExportDownloadView.as_view(),
        name="home_office_export_download",
    ),
]
