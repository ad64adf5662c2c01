from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sms.notifications"
    label = "notifications"
