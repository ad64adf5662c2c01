from django.urls import path

from sms.casework import views

app_name = "casework"

urlpatterns = [
    path("home-office/casework/", views.WorkspaceView.as_view(), name="workspace"),
    path("home-office/casework/<str:case_type>/<int:case_id>/assign/", views.CaseAssignView.as_view(), name="assign"),
    path("home-office/casework/<str:case_type>/<int:case_id>/notes/", views.CaseNoteView.as_view(), name="note"),
]
