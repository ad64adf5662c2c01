from django.urls import path

from sms.accounts.policy import Action
from sms.licensing import selectors
from sms.licensing.models import ApplicationDocument, RequestDocument
from sms.licensing.views import apply, homeoffice, sponsor
from sms.web.documents import DocumentDownloadView

app_name = "licensing"

urlpatterns = [
    # Public: apply for a licence.
    path("apply/", apply.ApplyStartView.as_view(), name="apply_start"),
    path("apply/documents/", apply.ApplyDocumentsView.as_view(), name="apply_documents"),
    path("apply/check-answers/", apply.ApplyCheckAnswersView.as_view(), name="apply_check"),
    path("apply/pay/", apply.ApplyPayView.as_view(), name="apply_pay"),
    path("apply/payment-return/", apply.ApplyPaymentReturnView.as_view(), name="apply_payment_return"),
    path("apply/submitted/", apply.ApplySubmittedView.as_view(), name="apply_submitted"),
    path(
        "apply/<ref:reference>/more-information/<slug:token>/",
        apply.ApplyMoreInformationView.as_view(),
        name="apply_more_information",
    ),
    path("apply/<slug:slug>/", apply.ApplyStepView.as_view(), name="apply_step"),
    # Sponsor side.
    path("licence/users/", sponsor.AccessRegisterView.as_view(), name="access_register"),
    path("licence/users/review/", sponsor.AccessReviewView.as_view(), name="access_review"),
    path("licence/users/add/", sponsor.Level2UserAddView.as_view(), name="add_level_2"),
    path("licence/users/request-level-1/", sponsor.AdditionalLevel1RequestView.as_view(), name="request_level_1"),
    path("licence/users/<ref:user_id>/edit/", sponsor.Level2UserEditView.as_view(), name="edit_user"),
    path("licence/users/<ref:user_id>/deactivate/", sponsor.UserDeactivateView.as_view(), name="deactivate_user"),
    path("licence/users/<ref:user_id>/reactivate/", sponsor.UserReactivateView.as_view(), name="reactivate_user"),
    path(
        "licence/users/<ref:user_id>/resend-activation/",
        sponsor.ActivationResendView.as_view(),
        name="resend_activation",
    ),
    path(
        "licence/key-personnel/<slug:role>/replace/", sponsor.KeyPersonReplaceView.as_view(), name="replace_key_person"
    ),
    path("licence/organisation/change/", sponsor.OrganisationDetailsView.as_view(), name="change_organisation"),
    path("licence/work-sites/add/", sponsor.WorkSiteAddView.as_view(), name="add_work_site"),
    path("licence/work-sites/<uuid:uuid>/close/", sponsor.WorkSiteCloseView.as_view(), name="close_work_site"),
    path("licence/renew/", sponsor.RenewalView.as_view(), name="renew"),
    path("licence/settings/", sponsor.ReportingSettingsView.as_view(), name="settings"),
    path("licence/changes/new/", sponsor.VariationView.as_view(), name="request_change"),
    path("licence/requests/<ref:reference>/", sponsor.SponsorRequestDetailView.as_view(), name="request_detail"),
    path("licence/requests/<ref:reference>/pay/", sponsor.RenewalPayView.as_view(), name="request_pay"),
    path("licence/requests/<ref:reference>/paid/", sponsor.RenewalPaymentReturnView.as_view(), name="request_paid"),
    path(
        "licence/requests/<ref:reference>/withdraw/",
        sponsor.SponsorRequestWithdrawView.as_view(),
        name="request_withdraw",
    ),
    path(
        "licence/requests/<ref:reference>/documents/<uuid:uuid>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_SPONSOR_RECORDS,
            model=RequestDocument,
            owner_field="request",
            owner=lambda request, reference, **_: selectors.sponsor_request_for_user(
                user=request.user, reference=reference
            ),
        ),
        name="request_document",
    ),
    # Home Office.
    path("home-office/applications/", homeoffice.ApplicationQueueView.as_view(), name="ho_applications"),
    path(
        "home-office/applications/<ref:reference>/", homeoffice.ApplicationDetailView.as_view(), name="ho_application"
    ),
    path(
        "home-office/applications/<ref:reference>/refuse/",
        homeoffice.ApplicationRefuseView.as_view(),
        name="ho_application_refuse",
    ),
    path(
        "home-office/applications/<ref:reference>/request-information/",
        homeoffice.ApplicationRequestInformationView.as_view(),
        name="ho_application_request_information",
    ),
    path(
        "home-office/applications/<ref:reference>/documents/<uuid:uuid>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_HOME_OFFICE_RECORDS,
            model=ApplicationDocument,
            owner_field="application",
            owner=lambda request, reference, **_: selectors.application_for_staff(reference=reference),
        ),
        name="ho_application_document",
    ),
    path("home-office/requests/", homeoffice.RequestQueueView.as_view(), name="ho_requests"),
    path("home-office/requests/<ref:reference>/", homeoffice.RequestDetailView.as_view(), name="ho_request"),
    path("home-office/requests/<ref:reference>/grant/", homeoffice.RequestGrantView.as_view(), name="ho_request_grant"),
    path(
        "home-office/requests/<ref:reference>/refuse/", homeoffice.RequestRefuseView.as_view(), name="ho_request_refuse"
    ),
    path(
        "home-office/requests/<ref:reference>/documents/<uuid:uuid>/",
        DocumentDownloadView.as_view(
            action=Action.VIEW_HOME_OFFICE_RECORDS,
            model=RequestDocument,
            owner_field="request",
            owner=lambda request, reference, **_: selectors.request_for_staff(reference=reference),
        ),
        name="ho_request_document",
    ),
    path("home-office/sponsors/", homeoffice.SponsorListView.as_view(), name="ho_sponsors"),
    path("home-office/sponsors/<uuid:uuid>/", homeoffice.SponsorDetailView.as_view(), name="ho_sponsor"),
    path("home-office/sponsors/<uuid:uuid>/suspend/", homeoffice.LicenceSuspendView.as_view(), name="ho_suspend"),
    path("home-office/sponsors/<uuid:uuid>/reinstate/", homeoffice.LicenceReinstateView.as_view(), name="ho_reinstate"),
    path("home-office/sponsors/<uuid:uuid>/revoke/", homeoffice.LicenceRevokeView.as_view(), name="ho_revoke"),
]
