from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "sms.licensing"
    label = "licensing"

    def ready(self) -> None:
        # Registers the ended-licence rule with sms.accounts.access, which sign-in and every request ask.
        from sms.licensing import selectors  # noqa: F401
