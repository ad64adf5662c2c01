"""Messages the Home Office posts to sponsors, and the read receipts of messages and notices."""

from django.conf import settings
from django.db import models

from sms.accounts.models import Sponsor
from sms.core.models import TimeStampedModel
from sms.notifications.models import Notice


class Message(TimeStampedModel):
    """A message from the Home Office to the Level 1 users of the sponsors it targets.

    Targeting (an empty list means "any"): ``routes`` and ``categories`` (sponsor type: Worker,
    Temporary Worker, Student) and ``ratings`` are met together by one route the licence holds;
    ``sizes`` by the sponsor. Shown from ``publish_on`` to ``expires_on`` (its last day), if any.
    """

    subject = models.CharField(max_length=200)
    body = models.TextField()
    routes = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    sizes = models.JSONField(default=list, blank=True)
    ratings = models.JSONField(default=list, blank=True)
    publish_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A withdrawn message leaves every board at once; the row and its read receipts stay, so staff
    # still see who read it before it went.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-publish_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["publish_on", "expires_on"], name="message_shown")]

    def __str__(self) -> str:
        return self.subject


class MessageRead(models.Model):
    """A Level 1 user opened a message (the first time)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="message_read_once")]

    def __str__(self) -> str:
        return f"{self.message} read by {self.user}"


class NoticeRead(models.Model):
    """A Level 1 user opened a system notice (the first time)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]

    def __str__(self) -> str:
        return f"{self.notice} read by {self.user}"
