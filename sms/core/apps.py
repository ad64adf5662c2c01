from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.urls import register_converter

from sms.core.converters import ReferenceConverter


class CoreConfig(AppConfig):
    name = "sms.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from sms.core import reference_data  # needs the models, so only once the registry is ready

        register_converter(ReferenceConverter, "ref")  # before any URLconf is read
        post_migrate.connect(reference_data.reference_data_load, sender=self, dispatch_uid="core_reference_data")
