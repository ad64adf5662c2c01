"""The JSON API, version 1 (``/api/v1/``), its OpenAPI document and documentation, and the page
where Level 1 users manage API tokens."""

from django.urls import path, re_path

from sms.api import docs, pages, views, webhooks

app_name = "api"

urlpatterns = [
    path("api-tokens/", pages.TokenListView.as_view(), name="tokens"),
    path("api-tokens/new/", pages.TokenCreateView.as_view(), name="token_create"),
    path("api-tokens/<uuid:uuid>/revoke/", pages.TokenRevokeView.as_view(), name="token_revoke"),
    path("api/v1/docs/", docs.DocumentationView.as_view(), name="docs"),
    path("api/v1/schema/", docs.SchemaView.as_view(), name="schema"),
    path("api/v1/licence/", views.LicenceView.as_view(), name="licence"),
    path("api/v1/allocations/", views.AllocationListView.as_view(), name="allocations"),
    path("api/v1/certificates/", views.CertificateListView.as_view(), name="certificates"),
    path("api/v1/certificates/bulk/", views.CertificateBulkView.as_view(), name="certificates_bulk"),
    path("api/v1/certificates/<uuid:uuid>/", views.CertificateDetailView.as_view(), name="certificate"),
    path("api/v1/certificates/<uuid:uuid>/assign/", views.CertificateAssignView.as_view(), name="certificate_assign"),
    path(
        "api/v1/certificates/<uuid:uuid>/withdraw/",
        views.CertificateWithdrawView.as_view(),
        name="certificate_withdraw",
    ),
    path("api/v1/certificates/<uuid:uuid>/notes/", views.CertificateNoteView.as_view(), name="certificate_note"),
    path("api/v1/workers/", views.PersonListView.as_view(), name="workers"),
    path("api/v1/workers/<uuid:uuid>/", views.PersonDetailView.as_view(), name="worker"),
    path("api/v1/workers/<uuid:uuid>/facts/", views.FactListView.as_view(), name="worker_facts"),
    path(
        "api/v1/workers/<uuid:uuid>/facts/<uuid:fact>/end/", views.AbsenceEndView.as_view(), name="worker_absence_end"
    ),
    path("api/v1/facts/bulk/", views.FactBulkView.as_view(), name="facts_bulk"),
    path("api/v1/obligations/", views.ObligationListView.as_view(), name="obligations"),
    path("api/v1/obligations/<uuid:uuid>/", views.ObligationDetailView.as_view(), name="obligation"),
    path("api/v1/obligations/<uuid:uuid>/report/", views.ObligationReportView.as_view(), name="obligation_report"),
    path("api/v1/messages/", views.MessageListView.as_view(), name="messages"),
    path("api/v1/notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("api/v1/webhooks/", webhooks.WebhookListView.as_view(), name="webhooks"),
    path("api/v1/webhooks/<uuid:uuid>/delete/", webhooks.WebhookDeleteView.as_view(), name="webhook_delete"),
    path(
        "api/v1/webhooks/<uuid:uuid>/deliveries/", webhooks.WebhookDeliveryListView.as_view(), name="webhook_deliveries"
    ),
    re_path(r"^api/", docs.not_found, name="not_found"),
]
