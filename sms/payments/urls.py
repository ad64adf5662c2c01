from django.urls import path

from sms.payments import views

app_name = "payments"

urlpatterns = [
    path("payments/sandbox/<str:provider_id>/", views.SandboxPayView.as_view(), name="sandbox_pay"),
]
