from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "sms.alerts"
    label = "alerts"
