from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CertificatesConfig(AppConfig):
    name = "sms.certificates"
    label = "certificates"

    def ready(self) -> None:
        from sms.certificates import reference_data  # needs the models, so only once the registry is ready
        from sms.certificates.services import allocations  # noqa: F401  connects the licence renewal receiver

        post_migrate.connect(
            reference_data.reference_data_load, sender=self, dispatch_uid="certificates_reference_data"
        )
