"""GOV.UK Notify as a Django email backend (EMAIL_PROVIDER=notify).

Notify sends from a template: NOTIFY_TEMPLATE_ID names one whose subject is ``((subject))`` and whose
body is ``((body))``, so every outbox email goes through it unchanged.
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = NotificationsAPIClient(settings.NOTIFY_API_KEY)

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            for address in message.to:
                try:
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=settings.NOTIFY_TEMPLATE_ID,
                        personalisation={"subject": message.subject, "body": message.body},
                    )
                except Exception:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent
