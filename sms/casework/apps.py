from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CaseworkConfig(AppConfig):
    name = "sms.casework"
    label = "casework"

    def ready(self) -> None:
        from sms.casework import panels, reference_data
        from sms.core import case_panels

        case_panels.register(panels.case_panel)
        post_migrate.connect(reference_data.reference_data_load, sender=self)
