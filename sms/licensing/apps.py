from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "sms.licensing"
    label = "licensing"

    def ready(self) -> None:
        # Registers the ended-licence rule with sms.accounts.access, which sign-in and every request ask.
        from sms.licensing import selectors  # noqa: F401

        # Connects the receivers that submit an application, or a renewal, once its fee is paid.
        from sms.licensing.services import applications, requests  # noqa: F401
