from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sms.core"
    label = "core"
    verbose_name = "Core"
