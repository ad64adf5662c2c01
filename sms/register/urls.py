from django.urls import path

from sms.register import views

app_name = "register"

urlpatterns = [
    path("register-of-licensed-sponsors/", views.RegisterView.as_view(), name="register"),
    path("register-of-licensed-sponsors.csv", views.RegisterCsvView.as_view(), name="csv"),
]
