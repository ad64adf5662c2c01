from django.urls import path

from sms.alerts import views

app_name = "alerts"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:alert>/read/", views.NotificationReadView.as_view(), name="read"),
    path("notifications/read-all/", views.NotificationsReadAllView.as_view(), name="read_all"),
    path("licence/alert-settings/", views.AlertSettingsView.as_view(), name="settings"),
    path("account/alerts/", views.AlertPreferenceView.as_view(), name="preference"),
]
