from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "sms.reporting"
    label = "reporting"
