from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "sms.certificates"
    label = "certificates"
