from django.urls import path

from sms.casework import views

app_name = "casework"

urlpatterns = [
    path("home-office/casework/", views.WorkspaceView.as_view(), name="workspace"),
    path("home-office/casework/<str:case_type>/<int:case_id>/assign/", views.CaseAssignView.as_view(), name="assign"),
    path("home-office/casework/<str:case_type>/<int:case_id>/notes/", views.CaseNoteView.as_view(), name="note"),
    path("home-office/casework/sponsors/<uuid:uuid>/", views.SponsorView.as_view(), name="sponsor"),
    path("home-office/casework/sponsors/<uuid:uuid>/<slug:tab>/", views.SponsorView.as_view(), name="sponsor_tab"),
    path(
        "home-office/casework/sponsors/<uuid:uuid>/users/<str:user_id>/<slug:what>/",
        views.SponsorUserActionView.as_view(),
        name="sponsor_user_action",
    ),
]
