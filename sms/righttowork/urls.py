from django.urls import path

from sms.accounts.policy import Action
from sms.righttowork import selectors, views
from sms.righttowork.models import RightToWorkEvidence
from sms.web.documents import DocumentDownloadView

app_name = "righttowork"

urlpatterns = [
    path("workers/right-to-work/", views.FollowUpsView.as_view(), name="follow_ups"),
    path("workers/<uuid:uuid>/compliance-file/", views.ComplianceFileView.as_view(), name="file"),
    path("workers/<uuid:uuid>/right-to-work/new/", views.RightToWorkCheckView.as_view(), name="record_check"),
    path(
        "workers/<uuid:uuid>/right-to-work/<uuid:check>/evidence/<uuid:document>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_SPONSOR_RECORDS,
            model=RightToWorkEvidence,
            owner_field="check_record",
            owner=lambda request, uuid, check, **_: selectors.check_for_user(
                user=request.user, person_uuid=uuid, uuid=check
            ),
            document_kwarg="document",
        ),
        name="evidence",
    ),
    path("training/", views.TrainingListView.as_view(), name="training"),
    path("training/new/", views.TrainingAddView.as_view(), name="training_add"),
    path("training/<uuid:uuid>/", views.TrainingEditView.as_view(), name="training_edit"),
]
