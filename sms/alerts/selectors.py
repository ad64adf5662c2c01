"""Reading a user's notifications (only their own)."""

from sms.notifications.models import Notification


def notifications_for(user):
    """The user's notifications, newest first, each with its alert (one query per page)."""
    return Notification.objects.filter(user=user).select_related("alert").order_by("-alert__created_at", "-id")


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one indexed count)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
