from django.apps import AppConfig


class RegisterConfig(AppConfig):
    """The public register of licensed sponsors: a page and the CSV in the GOV.UK register's layout."""

    name = "sms.register"
    label = "register"
