from django.apps import AppConfig


class MessageboardConfig(AppConfig):
    """The Home Office message board: staff messages targeted at sponsors, the sponsor's system
    notices beside them, and who has read what (domain.md section 6)."""

    name = "sms.messageboard"
    label = "messageboard"
