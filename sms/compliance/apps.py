from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "sms.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        # Connects the receiver that marks an action plan paid when its payment is confirmed.
        from sms.compliance import services  # noqa: F401
