from django.urls import path

from sms.referencedata import views

app_name = "referencedata"

urlpatterns = [
    path("home-office/reference-data/", views.ReferenceDataView.as_view(), name="home"),
    path("home-office/reference-data/fees/", views.FeesView.as_view(), name="fees"),
    path("home-office/reference-data/thresholds/", views.ThresholdsView.as_view(), name="thresholds"),
    path("home-office/reference-data/occupations/", views.OccupationsView.as_view(), name="occupations"),
    path("home-office/reference-data/staff/", views.StaffUsersView.as_view(), name="staff"),
    path("home-office/reference-data/staff/<str:user_id>/role/", views.StaffRoleView.as_view(), name="staff_role"),
]
