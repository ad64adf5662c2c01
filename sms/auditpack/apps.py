from django.apps import AppConfig


class AuditPackConfig(AppConfig):
    name = "sms.auditpack"
    label = "auditpack"
    verbose_name = "Audit pack"
    default_auto_field = "django.db.models.BigAutoField"
