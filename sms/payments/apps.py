from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "sms.payments"
    label = "payments"
    verbose_name = "Payments"
