from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "sms.webhooks"
    label = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self):
        from sms.webhooks import events  # noqa: F401 - connects the receivers
