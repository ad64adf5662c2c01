from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sms.audit"
    label = "audit"
