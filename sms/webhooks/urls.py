"""Pages of the outgoing webhooks (issue 13)."""

from django.urls import path

from sms.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.EndpointListView.as_view(), name="list"),
    path("webhooks/new/", views.EndpointCreateView.as_view(), name="create"),
    path("webhooks/<uuid:uuid>/", views.EndpointDetailView.as_view(), name="endpoint"),
    path("webhooks/<uuid:uuid>/rotate-secret/", views.EndpointRotateView.as_view(), name="rotate"),
    path("webhooks/<uuid:uuid>/switch/", views.EndpointSwitchView.as_view(), name="switch"),
    path("webhooks/<uuid:uuid>/delete/", views.EndpointDeleteView.as_view(), name="delete"),
    path(
        "webhooks/<uuid:uuid>/deliveries/<uuid:delivery>/replay/",
        views.DeliveryReplayView.as_view(),
        name="replay",
    ),
]
