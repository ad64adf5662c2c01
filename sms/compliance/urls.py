from django.urls import path

from sms.accounts.policy import Action
from sms.compliance import selectors
from sms.compliance.models import ActionEvidence, RepresentationEvidence
from sms.compliance.views import homeoffice, sponsor
from sms.web.documents import DocumentDownloadView

app_name = "compliance"


urlpatterns = [
    # Sponsor side.
    path("licence/action-plans/", sponsor.ActionPlanListView.as_view(), name="action_plans"),
    path("licence/action-plans/<str:reference>/", sponsor.ActionPlanView.as_view(), name="action_plan"),
    path("licence/action-plans/<str:reference>/pay/", sponsor.ActionPlanPayView.as_view(), name="action_plan_pay"),
    path(
        "licence/action-plans/<str:reference>/payment-return/",
        sponsor.ActionPlanPaymentReturnView.as_view(),
        name="action_plan_paid",
    ),
    path(
        "licence/action-plans/<str:reference>/actions/<int:number>/",
        sponsor.ActionProgressView.as_view(),
        name="action_progress",
    ),
    path(
        "licence/action-plans/<str:reference>/actions/<int:number>/evidence/<uuid:uuid>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_SPONSOR_RECORDS,
            model=ActionEvidence,
            owner_field="action",
            owner=lambda request, reference, number, **_: selectors.required_action_for_user(
                user=request.user, reference=reference, number=number
            ),
        ),
        name="action_evidence",
    ),
    path("licence/suspension/representations/", sponsor.RepresentationsView.as_view(), name="representations"),
    path(
        "licence/suspension/representations/<str:reference>/",
        sponsor.RepresentationView.as_view(),
        name="representation",
    ),
    path(
        "licence/suspension/representations/<str:reference>/evidence/<uuid:uuid>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_SPONSOR_RECORDS,
            model=RepresentationEvidence,
            owner_field="representation",
            owner=lambda request, reference, **_: selectors.representation_for_user(
                user=request.user, reference=reference
            ),
        ),
        name="representation_evidence",
    ),
    # Home Office.
    path(
        "home-office/sponsors/<uuid:uuid>/routes/<str:route>/rating/",
        homeoffice.RouteRatingView.as_view(),
        name="ho_route_rating",
    ),
    path(
        "home-office/sponsors/<uuid:uuid>/affected-workers/",
        homeoffice.AffectedWorkersView.as_view(),
        name="ho_affected_workers",
    ),
    path("home-office/action-plans/", homeoffice.ActionPlanQueueView.as_view(), name="ho_action_plans"),
    path("home-office/action-plans/<str:reference>/", homeoffice.ActionPlanStaffView.as_view(), name="ho_action_plan"),
    path(
        "home-office/action-plans/<str:reference>/decide/",
        homeoffice.ActionPlanDecideView.as_view(),
        name="ho_action_plan_decide",
    ),
    path(
        "home-office/action-plans/<str:reference>/actions/<int:number>/evidence/<uuid:uuid>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_HOME_OFFICE_RECORDS,
            model=ActionEvidence,
            owner_field="action",
            owner=lambda request, reference, number, **_: selectors.required_action_for_staff(
                reference=reference, number=number
            ),
        ),
        name="ho_action_evidence",
    ),
    path("home-office/representations/", homeoffice.RepresentationQueueView.as_view(), name="ho_representations"),
    path(
        "home-office/representations/<str:reference>/",
        homeoffice.RepresentationStaffView.as_view(),
        name="ho_representation",
    ),
    path(
        "home-office/representations/<str:reference>/decide/",
        homeoffice.RepresentationDecideView.as_view(),
        name="ho_representation_decide",
    ),
    path(
        "home-office/representations/<str:reference>/evidence/<uuid:uuid>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_HOME_OFFICE_RECORDS,
            model=RepresentationEvidence,
            owner_field="representation",
            owner=lambda request, reference, **_: selectors.representation_for_staff(reference=reference),
        ),
        name="ho_representation_evidence",
    ),
]
