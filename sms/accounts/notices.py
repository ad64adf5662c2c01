"""Telling a sponsor's users: board notices, in-app alerts and alert emails (issues 11 and 12;
domain.md sections 6 and 7).

``alerts_raise`` is the one way an alert reaches people. Set-based: whatever the number of alerts it
runs a fixed number of statements (bulk inserts aside), so the daily sweep can raise a national
day's alerts at once. Each alert is raised once (its rule, object and stage are unique); for each
new one, the sponsor's "who is told" setting for its topic picks the users, every one of them gets it
in their notification list, and those who chose email get it in the outbox, in the caller's
transaction.
"""

from collections import defaultdict
from collections.abc import Iterable
from uuid import uuid4

from django.conf import settings
from django.urls import reverse

from sms.accounts.models import Sponsor, User
from sms.notifications.models import DEFAULT_RECIPIENTS, Alert, AlertRecipients, Notice, Notification, Recipient, Topic
from sms.notifications.services import AlertDraft, email_render, emails_enqueue, notice_post
from sms.notifications.signals import alerts_raised

# A board notice's kind -> the alert topic it belongs to when the caller does not say.
NOTICE_TOPICS = {
    Notice.Kind.DECISION: Topic.DECISIONS,
    Notice.Kind.SANCTION: Topic.DECISIONS,
    Notice.Kind.REMINDER: Topic.DECISIONS,
}


def sponsor_tell(
    *,
    sponsor: Sponsor,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    key: str = "",
    told: Iterable[str] = (),
    topic: str = "",
) -> Notice:
    """Post a notice on the sponsor's board and alert the users the sponsor chose for its topic
    (by default its Authorising Officer and Level 1 users), except that nobody in ``told`` (already
    emailed about it) is emailed again. With a ``key`` already posted, nothing happens again."""
    if key and Notice.objects.filter(sponsor=sponsor, key=key).exists():
        return Notice.objects.get(sponsor=sponsor, key=key)
    notice = notice_post(sponsor=sponsor, kind=kind, subject=subject, body=body, link=link, key=key)
    alerts_raise(
        [
            AlertDraft(
                sponsor_id=sponsor.pk,
                topic=topic or NOTICE_TOPICS.get(kind, Topic.DECISIONS),
                rule="notice",
                object_id=notice.pk,
                subject=notice.subject,
                body=notice.body,
                link=link,
            )
        ],
        told=told,
    )
    return notice


def sponsors_tell(notices: list[dict]) -> int:
    """``sponsor_tell`` for many sponsors at once (the daily sweep's reminders): the notices in one
    insert and their alerts in one ``alerts_raise``, so the statements do not grow with the sponsors.
    Each dict holds ``sponsor_tell``'s keyword arguments; ``key`` is required (each posted once).
    Returns how many notices were asked for."""
    if not notices:
        return 0
    Notice.objects.bulk_create(
        [
            Notice(
                sponsor_id=notice["sponsor"].pk, kind=notice["kind"], subject=notice["subject"][:200],
                body=notice["body"], link=notice.get("link", ""), key=notice["key"],
            )
            for notice in notices
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )  # fmt: skip
    posted = {
        (row.sponsor_id, row.key): row
        for row in Notice.objects.filter(key__in={notice["key"] for notice in notices}).only("pk", "sponsor_id", "key")
    }
    # An alert is raised once per notice: one posted by an earlier run is not told again.
    alerts_raise(
        [
            AlertDraft(
                sponsor_id=notice["sponsor"].pk,
                topic=notice.get("topic") or NOTICE_TOPICS.get(notice["kind"], Topic.DECISIONS),
                rule="notice",
                object_id=posted[(notice["sponsor"].pk, notice["key"])].pk,
                subject=notice["subject"][:200],
                body=notice["body"],
                link=notice.get("link", ""),
            )
            for notice in notices
        ]
    )
    return len(notices)


def recipients_for(sponsor_id: int, topic: str, choices: dict) -> tuple[str, ...]:
    """The groups told about ``topic``: the sponsor's choice, else the default."""
    chosen = choices.get((sponsor_id, topic))
    return tuple(chosen) if chosen is not None else DEFAULT_RECIPIENTS.get(topic, (Recipient.LEVEL_1,))


def alerts_raise(drafts: Iterable[AlertDraft], *, digest: bool = False, told: Iterable[str] = ()) -> int:
    """Raise the alerts not raised before; returns how many were new.

    ``digest``: each user gets one email listing all their new alerts (the daily sweep) rather than
    one email per alert. Six statements plus the bulk inserts, whatever the number of alerts.
    """
    drafts = list(drafts)
    if not drafts:
        return 0
    batch = uuid4().hex
    Alert.objects.bulk_create(
        [
            Alert(
                sponsor_id=draft.sponsor_id, topic=draft.topic, rule=draft.rule, object_id=draft.object_id,
                stage=draft.stage, subject=draft.subject[:200], body=draft.body, link=draft.link[:300],
                concerns_user_id=draft.concerns_user_id, batch=batch,
            )
            for draft in drafts
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )  # fmt: skip
    # Only the rows this call inserted: a concurrent sweep's (or an earlier day's) are theirs.
    new = list(Alert.objects.filter(batch=batch).order_by("sponsor_id", "id"))
    if not new:
        return 0
    # The one hook for what else follows an alert (a webhook event), once per alert, in this transaction.
    alerts_raised.send(sender=Alert, alerts=new)
    sponsors = Alert.objects.filter(batch=batch).values("sponsor_id")
    choices = {
        (row.sponsor_id, row.topic): row.recipients for row in AlertRecipients.objects.filter(sponsor_id__in=sponsors)
    }
    users = {
        user["pk"]: user
        for user in User.objects.filter(sponsor_id__in=sponsors, is_active=True).values(
            "pk", "sponsor_id", "level", "email", "alerts_by_email"
        )
    }
    authorising_officers = set(
        User.objects.filter(
            sponsor_id__in=sponsors,
            is_active=True,
            key_roles__role="authorising_officer",
            key_roles__end_date__isnull=True,
        ).values_list("pk", flat=True)
    )
    groups: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for pk, user in users.items():
        groups[user["sponsor_id"]][user["level"]].add(pk)
        if pk in authorising_officers:
            groups[user["sponsor_id"]][Recipient.AUTHORISING_OFFICER].add(pk)

    notifications = []
    emailed: dict[int, list[Alert]] = defaultdict(list)
    for alert in new:
        chosen = recipients_for(alert.sponsor_id, alert.topic, choices)
        told_about = set()
        for group in chosen:
            if group == Recipient.CREATOR:
                creator = users.get(alert.concerns_user_id)
                if creator is not None and creator["sponsor_id"] == alert.sponsor_id:
                    told_about.add(creator["pk"])
            else:
                told_about |= groups[alert.sponsor_id][group]
        for pk in sorted(told_about):
            notifications.append(Notification(user_id=pk, alert=alert))
            if users[pk]["alerts_by_email"]:
                emailed[pk].append(alert)
    Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=5000)
    _alert_emails(emailed, users, digest=digest, told={email.lower() for email in told})
    return len(new)


def _alert_emails(emailed: dict[int, list[Alert]], users: dict, *, digest: bool, told: set[str]) -> None:
    site = settings.SITE_URL.rstrip("/")
    context = {"site": site, "list_url": site + reverse("alerts:notifications")}
    emails = []
    # An alert's own email is the same for everyone told: rendered once, however many are told.
    single: dict[int, tuple[str, str]] = {}
    for pk, alerts in sorted(emailed.items()):
        to = users[pk]["email"]
        if to.lower() in told:
            continue
        if digest and len(alerts) > 1:
            subject, body = email_render("alerts_digest", {**context, "alerts": alerts})
            emails.append((to, subject, body))
        else:
            for alert in alerts:
                if alert.pk not in single:
                    single[alert.pk] = email_render("alert", {**context, "alert": alert})
                emails.append((to, *single[alert.pk]))
    emails_enqueue(emails)
