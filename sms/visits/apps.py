from django.apps import AppConfig


class VisitsConfig(AppConfig):
    """Compliance visits to sponsors: planned and completed, with findings, outcome and linked actions."""

    name = "sms.visits"
    label = "visits"
