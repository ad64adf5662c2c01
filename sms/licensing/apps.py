from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "sms.licensing"
    label = "licensing"
