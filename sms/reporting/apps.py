from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "sms.reporting"
    label = "reporting"

    def ready(self) -> None:
        # Connects the receiver that opens obligations for organisation changes licensing records.
        from sms.reporting.services import obligations  # noqa: F401
