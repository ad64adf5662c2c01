from django.apps import AppConfig


class TrailConfig(AppConfig):
    """The audit trail as people read it: the page, its filters and the CSV export (sms.audit writes it)."""

    name = "sms.trail"
    label = "trail"
