"""Writes of the dashboard: completing the monthly review (seed 001), atomic and audited."""

from django.db import transaction
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.dashboard import selectors
from sms.dashboard.models import CHECKLIST, MonthlyReview
from sms.messageboard.selectors import unread


@transaction.atomic
def monthly_review_complete(
    *, sponsor: Sponsor, actor: User, checks: dict[str, bool], notes: str = ""
) -> MonthlyReview:
    """A Level 1 user confirms each point of the monthly review; the next is due a month later.

    Every point must be confirmed: a review with a point not done is not a completed review (the
    dashboard lists what to fix first). What the dashboard showed is kept with it.
    """
    require(actor, Action.COMPLETE_MONTHLY_REVIEW, sponsor)
    missing = [label for name, label in CHECKLIST.items() if not checks.get(name)]
    if missing:
        raise DomainError(f"Confirm each point of the review: {missing[0][0].lower()}{missing[0][1:]}")
    today = timezone.localdate()
    snapshot = selectors.review_snapshot(sponsor_id=sponsor.pk, today=today)
    snapshot["unread_messages"] = unread(user=actor).count
    review = MonthlyReview.objects.create(
        sponsor=sponsor,
        completed_by=actor,
        completed_on=today,
        notes=notes.strip(),
        snapshot=snapshot,
        **{name: True for name in CHECKLIST},
    )
    audit.record(
        actor=actor,
        verb=Verb.MONTHLY_REVIEW_COMPLETED,
        target=sponsor,
        payload={
            "notes": review.notes,
            "open_obligations": snapshot["open_obligations"],
            "overdue_obligations": snapshot["overdue_obligations"],
            "unread_messages": snapshot["unread_messages"],
        },
    )
    return review
