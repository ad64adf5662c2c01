"""The email outbox: every message is stored before it is sent, so none is lost to a failed send."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    """One email to one person. Sent by a background task after the writing transaction commits.

    A deliverer first claims the row (PENDING -> SENDING in one conditional UPDATE), so two workers
    never both send it; a failed send goes back to PENDING with ``next_attempt_at`` pushed back
    exponentially, and after EMAIL_MAX_ATTEMPTS it is FAILED for an operator to see.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not before this time: the back-off after a failed attempt.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a deliverer claimed it (status SENDING): a claim far older than any send is a worker that died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to} ({self.get_status_display()})"


class Notice(models.Model):
    """A notice the system posts on one sponsor's message board: a decision or sanction that concerns
    the sponsor, or a reminder (licence expiring, allocation running low, a payment due).

    Posted by any app through ``notifications.services.notice_post``; the message board shows notices
    beside the Home Office's own messages and records who has read them.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        SANCTION = "sanction", "Sanction"
        REMINDER = "reminder", "Reminder"

    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # Where the sponsor can act on it (a path inside the service), if anywhere.
    link = models.CharField(max_length=300, blank=True)
    # Posting again with the same key changes nothing (a daily reminder is posted once).
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sponsor", "key"], condition=~models.Q(key=""), name="notice_once_per_key")
        ]
        indexes = [models.Index(fields=["sponsor", "-created_at"], name="notice_sponsor_recent")]

    def __str__(self) -> str:
        return self.subject


class Topic(models.TextChoices):
    """What an alert is about: the unit of the sponsor's "who is told" setting."""

    OBLIGATIONS = "obligations", "Reports due: opened, due soon and overdue"
    CERTIFICATES = "certificates", "Certificates about to expire unused"
    PERMISSIONS = "permissions", "Workers' permission ending (90, 60 and 30 days)"
    RIGHT_TO_WORK = "right_to_work", "Right-to-work follow-up checks due"
    ABSENCES = "absences", "Absences approaching the reportable length"
    ALLOCATION = "allocation", "Allocation running low"
    DECISIONS = "decisions", "Home Office decisions, sanctions and licence reminders"
    MESSAGES = "messages", "Home Office messages"


class Recipient(models.TextChoices):
    """Groups of a sponsor's users who can be told about a topic."""

    LEVEL_1 = "level_1", "All Level 1 users"
    AUTHORISING_OFFICER = "authorising_officer", "The Authorising Officer (if they are a user)"
    CREATOR = "creator", "The user who created the certificate concerned"
    LEVEL_2 = "level_2", "All Level 2 users"


# Topics about one worker or certificate, so about a user who created it: the only ones the
# "creator" group applies to.
CREATOR_TOPICS = frozenset(
    {Topic.OBLIGATIONS, Topic.CERTIFICATES, Topic.PERMISSIONS, Topic.RIGHT_TO_WORK, Topic.ABSENCES}
)

# The topic in a few words, for the notifications list.
TOPIC_NAMES = {
    Topic.OBLIGATIONS: "Report due",
    Topic.CERTIFICATES: "Certificate expiring",
    Topic.PERMISSIONS: "Permission ending",
    Topic.RIGHT_TO_WORK: "Right-to-work check",
    Topic.ABSENCES: "Absence",
    Topic.ALLOCATION: "Allocation",
    Topic.DECISIONS: "Home Office decision",
    Topic.MESSAGES: "Home Office message",
}

# Who is told when the sponsor has not chosen (issue 12): the people who must act.
DEFAULT_RECIPIENTS: dict[str, tuple[str, ...]] = {
    Topic.OBLIGATIONS: (Recipient.LEVEL_1, Recipient.CREATOR),
    Topic.CERTIFICATES: (Recipient.LEVEL_1, Recipient.CREATOR),
    Topic.PERMISSIONS: (Recipient.LEVEL_1, Recipient.CREATOR),
    Topic.RIGHT_TO_WORK: (Recipient.LEVEL_1, Recipient.CREATOR),
    Topic.ABSENCES: (Recipient.LEVEL_1, Recipient.CREATOR),
    Topic.ALLOCATION: (Recipient.LEVEL_1,),
    Topic.DECISIONS: (Recipient.AUTHORISING_OFFICER, Recipient.LEVEL_1),
    Topic.MESSAGES: (Recipient.AUTHORISING_OFFICER, Recipient.LEVEL_1),
}


class AlertRecipients(models.Model):
    """A sponsor's choice of who is told about one topic (no row: DEFAULT_RECIPIENTS)."""

    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, related_name="alert_recipients")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sponsor", "topic"], name="alert_recipients_once_per_topic")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {', '.join(self.recipients)}"


class Alert(models.Model):
    """Something a sponsor's users are told about, raised once.

    ``rule``, ``object_id`` and ``stage`` identify it (an obligation's "due soon" stage, a worker's
    60-day band): raising it again changes nothing, so the daily sweep is idempotent. ``batch`` marks
    the rows one call inserted, so only those are fanned out to users.
    """

    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, related_name="alerts")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    rule = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    stage = models.CharField(max_length=20, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # Where the user can act on it (a path inside the service), if anywhere.
    link = models.CharField(max_length=300, blank=True)
    # The user who created the certificate concerned (the CREATOR recipient), if any.
    concerns_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    batch = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sponsor", "rule", "object_id", "stage"], name="alert_once_per_stage"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def topic_name(self) -> str:
        return TOPIC_NAMES.get(self.topic, self.get_topic_display())


class Notification(models.Model):
    """One alert in one user's in-app list, with its read state."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-alert__created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "alert"], name="notification_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.alert} for {self.user_id}"
