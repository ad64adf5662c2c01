from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "sms.dashboard"
    label = "dashboard"
    verbose_name = "Sponsor dashboard"
