"""Alerts: the daily sweep that raises them, who is told (per sponsor), how each user hears of them,
and read state (issue 12; domain.md section 7)."""

from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.accounts.notices import alerts_raise
from sms.accounts.policy import Action, require
from sms.alerts.rules import RULES, Calendar
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.notifications.models import CREATOR_TOPICS, DEFAULT_RECIPIENTS, AlertRecipients, Notification, Recipient, Topic


@transaction.atomic
def alerts_sweep(*, today: date | None = None) -> int:
    """Raise every alert due today that has not been raised (the daily sweep): one query per rule,
    one fan-out, one digest email per user. Idempotent: a second run the same day raises nothing."""
    today = today or timezone.localdate()
    calendar = Calendar()
    drafts = [draft for rule in RULES for draft in rule(today, calendar)]
    return alerts_raise(drafts, digest=True)


def recipients_of(sponsor: Sponsor) -> dict[str, list[str]]:
    """Who the sponsor tells about each topic: its choices over the defaults."""
    chosen = dict(AlertRecipients.objects.filter(sponsor=sponsor).values_list("topic", "recipients"))
    return {topic: list(chosen.get(topic, DEFAULT_RECIPIENTS[topic])) for topic in Topic.values}


@transaction.atomic
def alert_recipients_update(*, sponsor: Sponsor, actor, recipients: dict[str, list[str]]) -> None:
    """Set who is told about each topic (a Level 1 user). A topic may go to nobody only by choice:
    at least one group must be chosen, or alerts about it would reach no one."""
    require(actor, Action.MANAGE_SETTINGS, sponsor)
    before = recipients_of(sponsor)
    after = {}
    for topic in Topic.values:
        groups = [
            group
            for group in Recipient.values
            if group in recipients.get(topic, []) and (group != Recipient.CREATOR or topic in CREATOR_TOPICS)
        ]
        if not groups:
            raise DomainError(f"Select who is told about {Topic(topic).label[0].lower()}{Topic(topic).label[1:]}")
        after[topic] = groups
    changed = {topic: groups for topic, groups in after.items() if groups != before[topic]}
    for topic, groups in changed.items():
        AlertRecipients.objects.update_or_create(sponsor=sponsor, topic=topic, defaults={"recipients": groups})
    if changed:
        audit.record(
            actor=actor,
            verb=Verb.ALERT_RECIPIENTS_CHANGED,
            target=sponsor,
            payload={"before": {topic: before[topic] for topic in changed}, "after": changed},
        )


@transaction.atomic
def alert_preference_set(*, user: User, by_email: bool) -> User:
    """The user chooses email and in-app alerts, or in-app only (their own account, like a password)."""
    if user.alerts_by_email != by_email:
        User.objects.filter(pk=user.pk).update(alerts_by_email=by_email)
        user.alerts_by_email = by_email
        audit.record(actor=user, verb=Verb.ALERT_PREFERENCE_CHANGED, target=user, payload={"by_email": by_email})
    return user


def notification_mark_read(*, user: User, alert_id: int) -> Notification:
    """Mark read the user's notification of an alert; an alert not sent to them is not found."""
    if not 0 < alert_id < 2**63:  # beyond the column: no such alert (not a database error)
        raise Http404
    notification = Notification.objects.filter(user=user, alert_id=alert_id).select_related("alert").first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark all the user's unread notifications read (one statement)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
