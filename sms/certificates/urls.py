from django.urls import path

from sms.certificates.views import homeoffice, sponsor

app_name = "certificates"

urlpatterns = [
    path("certificates/", sponsor.CertificateListView.as_view(), name="list"),
    path("certificates/new/", sponsor.CertificateFormView.as_view(), name="create"),
    path("certificates/defined/new/", sponsor.DefinedCosRequestView.as_view(), name="request_defined"),
    path("certificates/import/", sponsor.ImportView.as_view(), name="import"),
    path("certificates/import/<uuid:uuid>/", sponsor.ImportProgressView.as_view(), name="import_progress"),
    path("certificates/import/template.csv", sponsor.ImportTemplateView.as_view(), name="import_template"),
    path("certificates/import/cas_batch.xsd", sponsor.CasSchemaView.as_view(), name="import_cas_schema"),
    path("certificates/cas-export.zip", sponsor.CasExportView.as_view(), name="cas_export"),
    path("certificates/allocations/", sponsor.AllocationsView.as_view(), name="allocations"),
    path("certificates/allocations/request/", sponsor.AllocationRequestView.as_view(), name="request_allocation"),
    path(
        "certificates/allocations/requests/<ref:reference>/",
        sponsor.AllocationRequestDetailView.as_view(),
        name="allocation_request",
    ),
    path(
        "certificates/allocations/requests/<ref:reference>/pay/",
        sponsor.AllocationPriorityPayView.as_view(),
        name="allocation_request_pay",
    ),
    path(
        "certificates/allocations/requests/<ref:reference>/paid/",
        sponsor.AllocationPriorityPaymentReturnView.as_view(),
        name="allocation_request_paid",
    ),
    path(
        "certificates/allocations/requests/<ref:reference>/without-priority/",
        sponsor.AllocationPriorityDropView.as_view(),
        name="allocation_request_without_priority",
    ),
    path(
        "certificates/allocations/requests/<ref:reference>/withdraw/",
        sponsor.AllocationRequestWithdrawView.as_view(),
        name="withdraw_allocation_request",
    ),
    path("certificates/<uuid:uuid>/", sponsor.CertificateDetailView.as_view(), name="detail"),
    path("certificates/<uuid:uuid>/edit/", sponsor.CertificateFormView.as_view(), name="edit"),
    path("certificates/<uuid:uuid>/assign/", sponsor.CertificateAssignView.as_view(), name="assign"),
    path("certificates/<uuid:uuid>/withdraw/", sponsor.CertificateWithdrawView.as_view(), name="withdraw"),
    path("certificates/<uuid:uuid>/note/", sponsor.CertificateNoteView.as_view(), name="add_note"),
    path("home-office/certificate-requests/", homeoffice.AllocationRequestQueueView.as_view(), name="ho_queues"),
    path(
        "home-office/certificate-requests/allocations/<ref:reference>/",
        homeoffice.AllocationRequestDecideView.as_view(),
        name="ho_allocation_request",
    ),
    path(
        "home-office/certificate-requests/defined/<ref:reference>/",
        homeoffice.DefinedCosDecideView.as_view(),
        name="ho_defined_request",
    ),
    path("home-office/certificates/<ref:reference>/", homeoffice.CertificateStaffView.as_view(), name="ho_certificate"),
    path(
        "home-office/certificates/<ref:reference>/record-use/",
        homeoffice.CertificateRecordUseView.as_view(),
        name="ho_record_use",
    ),
    path(
        "home-office/certificates/<ref:reference>/cancel/", homeoffice.CertificateCancelView.as_view(), name="ho_cancel"
    ),
]
