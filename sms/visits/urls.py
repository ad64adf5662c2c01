from django.urls import path

from sms.visits import views

app_name = "visits"

urlpatterns = [
    path("home-office/visits/", views.VisitListView.as_view(), name="list"),
    path("home-office/visits/<uuid:uuid>/", views.VisitDetailView.as_view(), name="detail"),
    path("home-office/visits/<uuid:uuid>/record/", views.VisitRecordView.as_view(), name="record"),
    path("home-office/sponsors/<uuid:uuid>/visits/", views.VisitListView.as_view(), name="sponsor_visits"),
    path("home-office/sponsors/<uuid:uuid>/visits/plan/", views.VisitPlanView.as_view(), name="plan"),
]
