"""Writing to the email outbox, and posting notices on a sponsor's message board."""

from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string

from sms.notifications.models import Notice, OutboundEmail
from sms.notifications.tasks import deliver_email, deliver_outbox


def email_enqueue(*, to: str, subject: str, body: str) -> OutboundEmail:
    """Store an email and send it once the current transaction commits.

    If the transaction rolls back, nothing is stored and nothing is sent.
    """
    email = OutboundEmail.objects.create(to=to, subject=subject, body=body)
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email


def emails_enqueue(emails: list[tuple[str, str, str]]) -> int:
    """Store many (to, subject, body) emails in one insert and send them, in one background task,
    once the current transaction commits (the daily sweep: no statement per email)."""
    if not emails:
        return 0
    OutboundEmail.objects.bulk_create(
        [OutboundEmail(to=to, subject=subject[:255], body=body) for to, subject, body in emails], batch_size=2000
    )
    transaction.on_commit(lambda: deliver_outbox.enqueue())
    return len(emails)


def email_render(template: str, context: dict) -> tuple[str, str]:
    """The subject and body of ``templates/emails/<template>.txt``.

    The file's first line is the subject, then a blank line, then the body (plain text: the
    template turns autoescaping off).
    """
    text = render_to_string(f"emails/{template}.txt", context)
    if text.endswith("\n"):
        text = text[:-1]
    subject, blank, body = text.split("\n", 2)
    if blank:
        raise ValueError(f"emails/{template}.txt: the subject line must be followed by a blank line")
    return subject, body


def email_enqueue_template(*, to: str, template: str, context: dict) -> OutboundEmail:
    """Queue an email whose subject and body come from ``templates/emails/<template>.txt``."""
    subject, body = email_render(template, context)
    return email_enqueue(to=to, subject=subject, body=body)


def notice_post(*, sponsor, kind: str, subject: str, body: str, link: str = "", key: str = "") -> Notice:
    """Post a notice on the sponsor's message board, in the caller's transaction.

    With a ``key`` (e.g. ``"licence-expiring:2027-01-31"``) the notice is posted once: posting it
    again returns the one already there.
    """
    if key:
        notice, _ = Notice.objects.get_or_create(
            sponsor=sponsor, key=key, defaults={"kind": kind, "subject": subject[:200], "body": body, "link": link}
        )
        return notice
    return Notice.objects.create(sponsor=sponsor, kind=kind, subject=subject[:200], body=body, link=link)


@dataclass(frozen=True)
class AlertDraft:
    """An alert to raise: ``rule``, ``object_id`` and ``stage`` make it once-only (see models.Alert)."""

    sponsor_id: int
    topic: str
    rule: str
    object_id: int
    subject: str
    body: str = ""
    link: str = ""
    stage: str = ""
    concerns_user_id: int | None = None
