from django.urls import path

from sms.auditpack import views

app_name = "auditpack"

urlpatterns = [
    path("audit-pack/", views.AuditPackListView.as_view(), name="index"),
    path("audit-pack/<uuid:uuid>/", views.AuditPackDetailView.as_view(), name="detail"),
    path("audit-pack/<uuid:uuid>/download/<str:format>/", views.AuditPackDownloadView.as_view(), name="download"),
]
