from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sms.api"
    label = "api"
    verbose_name = "JSON API"
