"""Reads about accounts."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sms.accounts.models import User
from sms.core.emails import canonical_email


def locked_account_attempts() -> QuerySet[AccessAttempt]:
    """Accounts locked now: enough failures within the lockout period, newest first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


def locked_accounts() -> list[dict]:
    """Locked accounts with the user each belongs to (None for an address with no account)."""
    attempts = list(locked_account_attempts()[:500])
    users = {
        user.email: user
        for user in User.objects.select_related("sponsor").filter(email__in=[attempt.username for attempt in attempts])
    }
    return [{"attempt": attempt, "user": users.get(attempt.username)} for attempt in attempts]


def get_user_for_staff(*, user_id: str) -> User:
    """Any user by their public user ID, for Home Office staff (404 when there is none)."""
    return get_object_or_404(User.objects.select_related("sponsor"), user_id=user_id)


def account_for_staff_search(*, query: str) -> User | None:
    """The account with this email address or user ID, for the helpdesk (None when there is none)."""
    query = query.strip()
    if not query:
        return None
    accounts = User.objects.select_related("sponsor")
    if "@" in query:
        return accounts.filter(email=canonical_email(query)).first()
    return accounts.filter(user_id=query.upper()).first()


ACCOUNT_STATUSES = ["Active", "Locked", "Not activated", "Deactivated"]


def account_status(user: User, locked_emails: set[str] | None = None) -> str:
    """One status per account, the first that applies: deactivated, not activated, locked, active.

    ``locked_emails`` saves a query per user when a page lists many.
    """
    if not user.is_active:
        return "Deactivated"
    if user.activated_at is None:
        return "Not activated"
    if locked_emails is None:
        locked_emails = set(locked_account_attempts().filter(username=user.email).values_list("username", flat=True))
    if user.email in locked_emails:
        return "Locked"
    return "Active"
