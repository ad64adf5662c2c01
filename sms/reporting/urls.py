from django.urls import path

from sms.accounts.policy import Action
from sms.reporting import selectors
from sms.reporting.models import ObligationEvidence
from sms.reporting.views import homeoffice, sponsor
from sms.web.documents import DocumentDownloadView

app_name = "reporting"

urlpatterns = [
    path("workers/", sponsor.RegisterView.as_view(), name="register"),
    path(
        "workers/from-certificate/<uuid:uuid>/",
        sponsor.RegisterFromCertificateView.as_view(),
        name="register_certificate",
    ),
    path("workers/import/", sponsor.FactsImportView.as_view(), name="import_facts"),
    path("workers/import/template.csv", sponsor.FactsTemplateView.as_view(), name="facts_template"),
    path("workers/<uuid:uuid>/", sponsor.PersonView.as_view(), name="person"),
    path("workers/<uuid:uuid>/details/", sponsor.PersonDetailsView.as_view(), name="person_details"),
    path("workers/<uuid:uuid>/facts/<slug:kind>/", sponsor.FactRecordView.as_view(), name="record_fact"),
    path("workers/<uuid:uuid>/absences/<int:fact>/end/", sponsor.AbsenceEndView.as_view(), name="end_absence"),
    path("obligations/", sponsor.ObligationListView.as_view(), name="obligations"),
    path("obligations/new/", sponsor.ObligationOpenView.as_view(), name="open_obligation"),
    path("obligations/<uuid:uuid>/", sponsor.ObligationView.as_view(), name="obligation"),
    path("obligations/<uuid:uuid>/report/", sponsor.ObligationReportView.as_view(), name="report"),
    path("obligations/<uuid:uuid>/cancel/", sponsor.ObligationCancelView.as_view(), name="cancel"),
    path(
        "obligations/<uuid:uuid>/evidence/<uuid:document>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_SPONSOR_RECORDS,
            model=ObligationEvidence,
            owner_field="obligation",
            owner=lambda request, uuid, **_: selectors.obligation_for_user(user=request.user, uuid=uuid),
            document_kwarg="document",
        ),
        name="evidence",
    ),
    path("home-office/reports/", homeoffice.ReceivedReportsView.as_view(), name="ho_reports"),
    path("home-office/reports/<uuid:uuid>/", homeoffice.ReceivedReportView.as_view(), name="ho_report"),
    path(
        "home-office/reports/<uuid:uuid>/evidence/<uuid:document>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_HOME_OFFICE_RECORDS,
            model=ObligationEvidence,
            owner_field="obligation",
            owner=lambda request, uuid, **_: selectors.received_report(uuid=uuid),
            document_kwarg="document",
        ),
        name="ho_evidence",
    ),
]
