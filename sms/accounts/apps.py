from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sms.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Sign-in events (success, failure, lockout) are audited through signal receivers.
        from sms.accounts import signals  # noqa: F401
