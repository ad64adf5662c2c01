from django.urls import path

from sms.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sponsor/", views.SponsorHomeView.as_view(), name="sponsor_home"),
    path("home-office/", views.HomeOfficeHomeView.as_view(), name="home_office_home"),
    path("licence/", views.LicenceSummaryView.as_view(), name="licence_summary"),
    path(
        "home-office/applications/<ref:reference>/grant/",
        views.ApplicationGrantView.as_view(),
        name="ho_application_grant",
    ),
    path("healthz", views.HealthCheckView.as_view(), name="healthz"),
    path("home-office/closure-days/", views.ClosureDaysView.as_view(), name="closure_days"),
    path("home-office/closure-days/<int:pk>/remove/", views.ClosureDayRemoveView.as_view(), name="closure_day_remove"),
    path(
        "accessibility/",
        views.InformationPageView.as_view(template_name="portal/accessibility.html"),
        name="accessibility",
    ),
    path("cookies/", views.InformationPageView.as_view(template_name="portal/cookies.html"), name="cookies"),
    path("privacy/", views.InformationPageView.as_view(template_name="portal/privacy.html"), name="privacy"),
]
