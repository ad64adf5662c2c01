from django.urls import path

from sms.core import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sponsor/", views.SponsorHomeView.as_view(), name="sponsor_home"),
    path("home-office/", views.HomeOfficeHomeView.as_view(), name="home_office_home"),
    path("healthz", views.HealthCheckView.as_view(), name="healthz"),
    path("home-office/closure-days/", views.ClosureDaysView.as_view(), name="closure_days"),
    path(
        "accessibility/",
        views.InformationPageView.as_view(template_name="core/accessibility.html"),
        name="accessibility",
    ),
    path("cookies/", views.InformationPageView.as_view(template_name="core/cookies.html"), name="cookies"),
    path("privacy/", views.InformationPageView.as_view(template_name="core/privacy.html"), name="privacy"),
]
