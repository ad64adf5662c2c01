"""Writes to the message board: staff post messages; Level 1 users' reads are recorded."""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import SponsorSize, User
from sms.accounts.notices import alerts_raise
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.licensing.models import Rating, Route, RouteCategory
from sms.messageboard.models import Message, MessageRead, NoticeRead
from sms.messageboard.selectors import message_is_for, targeted_sponsors
from sms.notifications.models import Alert, Notice, Topic
from sms.notifications.services import AlertDraft


def _checked(values, allowed, what: str) -> list[str]:
    values = sorted(set(values or []))
    if any(value not in allowed for value in values):
        raise DomainError(f"Choose {what} in the list")
    return values


def _targeting(routes, categories, sizes, ratings) -> dict:
    return {
        "routes": _checked(routes, Route.values, "a route"),
        "categories": _checked(categories, RouteCategory.values, "a sponsor type"),
        "sizes": _checked(sizes, SponsorSize.values, "a size"),
        "ratings": _checked(ratings, Rating.values, "a rating"),
    }


def _snapshot(message: Message) -> dict:
    """What staff can change about a message, as the audit trail records it."""
    return {
        "subject": message.subject,
        "body": message.body,
        "publish_on": message.publish_on.isoformat(),
        "expires_on": message.expires_on.isoformat() if message.expires_on else "",
        "routes": message.routes,
        "categories": message.categories,
        "sizes": message.sizes,
        "ratings": message.ratings,
    }


@transaction.atomic
def message_edit(
    *,
    actor: User,
    message: Message,
    subject: str,
    body: str,
    publish_on: date,
    expires_on: date | None = None,
    routes: list[str] | None = None,
    categories: list[str] | None = None,
    sizes: list[str] | None = None,
    ratings: list[str] | None = None,
) -> Message:
    """Correct a message, before or after it is published; the trail keeps it before and after.

    A publish date that changes must be today or later (a published message may keep its own);
    its read receipts stay, so Level 1 users who read the earlier text are still counted.
    """
    require(actor, Action.POST_MESSAGES)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.withdrawn_at is not None:
        raise DomainError("This message has been withdrawn: it can no longer be changed")
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise DomainError("Enter a subject")
    if not body:
        raise DomainError("Enter the message")
    if publish_on is None or (publish_on != message.publish_on and publish_on < timezone.localdate()):
        raise DomainError("The publish date must be today or in the future")
    if expires_on is not None and expires_on < publish_on:
        raise DomainError("The expiry date must be on or after the publish date")
    before = _snapshot(message)
    message.subject, message.body = subject[:200], body
    message.publish_on, message.expires_on = publish_on, expires_on
    for field, values in _targeting(routes, categories, sizes, ratings).items():
        setattr(message, field, values)
    after = _snapshot(message)
    if after == before:
        return message
    message.save()
    audit.record(
        actor=actor,
        verb=Verb.MESSAGE_EDITED,
        target=message,
        sponsor=None,
        payload={"before": before, "after": after},
    )
    return message


@transaction.atomic
def message_withdraw(*, actor: User, message: Message, reason: str) -> Message:
    """Take a message off every board at once. The message and its read receipts are kept (staff
    still see who read it); it cannot be shown again."""
    require(actor, Action.POST_MESSAGES)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.withdrawn_at is not None:
        raise DomainError("This message has already been withdrawn")
    if not (reason or "").strip():
        raise DomainError("Enter why you are withdrawing the message")
    message.withdrawn_at = timezone.now()
    message.withdrawn_by = actor
    message.withdrawal_reason = reason.strip()
    message.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    audit.record(
        actor=actor,
        verb=Verb.MESSAGE_WITHDRAWN,
        target=message,
        sponsor=None,
        payload={"subject": message.subject, "reason": message.withdrawal_reason},
    )
    return message


@transaction.atomic
def message_post(
    *,
    actor: User,
    subject: str,
    body: str,
    publish_on: date,
    expires_on: date | None = None,
    routes: list[str] | None = None,
    categories: list[str] | None = None,
    sizes: list[str] | None = None,
    ratings: list[str] | None = None,
) -> Message:
    """Post a message to the Level 1 users of the sponsors it targets (empty targeting: every sponsor).

    Shown from ``publish_on`` (today or later) to ``expires_on``, its last day, if given.
    """
    require(actor, Action.POST_MESSAGES)
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise DomainError("Enter a subject")
    if not body:
        raise DomainError("Enter the message")
    if publish_on is None or publish_on < timezone.localdate():
        raise DomainError("The publish date must be today or in the future")
    if expires_on is not None and expires_on < publish_on:
        raise DomainError("The expiry date must be on or after the publish date")
    message = Message.objects.create(
        subject=subject[:200],
        body=body,
        publish_on=publish_on,
        expires_on=expires_on,
        **_targeting(routes, categories, sizes, ratings),
        posted_by=actor,
    )
    audit.record(
        actor=actor,
        verb=Verb.MESSAGE_POSTED,
        target=message,
        sponsor=None,
        payload={
            "subject": message.subject,
            "publish_on": publish_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else "",
            "routes": message.routes,
            "categories": message.categories,
            "sizes": message.sizes,
            "ratings": message.ratings,
        },
    )
    if publish_on <= timezone.localdate():
        # Shown from today: its sponsors' users are told now, in this transaction (later dates: the sweep).
        alerts_raise(message_alerts(message))
    return message


def message_alerts(message: Message) -> list[AlertDraft]:
    """The alerts telling each sponsor a message targets about it (those not already told), one
    query whatever the number of sponsors."""
    sponsors = targeted_sponsors(message).exclude(
        Exists(Alert.objects.filter(sponsor_id=OuterRef("pk"), rule="message", object_id=message.pk))
    )
    return [
        AlertDraft(
            sponsor_id=sponsor_id,
            topic=Topic.MESSAGES,
            rule="message",
            object_id=message.pk,
            subject=f"Home Office message: {message.subject}"[:200],
            body=message.body,
            link=reverse("messageboard:board"),
        )
        for sponsor_id in sponsors.values_list("pk", flat=True).distinct()
    ]


@transaction.atomic
def message_read(*, actor: User, message: Message) -> MessageRead:
    """Record that a Level 1 user opened a message targeted at their sponsor (once; audited the first
    time). Another sponsor's message, one not shown today, is not found."""
    if getattr(actor, "is_sponsor_user", False) and not message_is_for(message, actor.sponsor):
        raise Http404
    # A message belongs to no sponsor: targeting, checked above, is its tenancy.
    require(actor, Action.READ_MESSAGE_BOARD)
    receipt, created = MessageRead.objects.get_or_create(
        message=message, user=actor, defaults={"sponsor_id": actor.sponsor_id}
    )
    if created:
        audit.record(actor=actor, verb=Verb.MESSAGE_READ, target=message, payload={"subject": message.subject})
    return receipt


@transaction.atomic
def notice_read(*, actor: User, notice: Notice) -> NoticeRead:
    """Record that a Level 1 user opened a notice on their sponsor's board (once; audited the first time)."""
    require(actor, Action.READ_MESSAGE_BOARD, notice)
    receipt, created = NoticeRead.objects.get_or_create(notice=notice, user=actor)
    if created:
        audit.record(
            actor=actor,
            verb=Verb.NOTICE_READ,
            target=notice,
            sponsor=notice.sponsor,
            payload={"subject": notice.subject},
        )
    return receipt
