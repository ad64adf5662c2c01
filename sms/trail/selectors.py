"""Reads of the audit trail, scoped to what the acting user may see."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from sms.accounts.policy import Action, Scope, scope
from sms.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    """What a person narrowed the trail by. Every field is optional."""

    date_from: date | None = None
    date_to: date | None = None
    actor_id: int | None = None
    verb: str = ""
    sponsor_id: int | None = None  # Home Office staff only


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_visible_to(*, user) -> QuerySet[AuditEvent]:
    """The events `user` may read.

    Level 1: the whole sponsor's trail. Level 2: only their own actions (domain.md section 1).
    Home Office staff: every sponsor's and the Home Office chain. Anyone else: nothing.
    """
    events = AuditEvent.objects.select_related("actor", "sponsor")
    if user.is_authenticated and user.is_home_office and scope(user, Action.VIEW_HOME_OFFICE_RECORDS) is Scope.ALL:
        return events
    granted = scope(user, Action.VIEW_AUDIT_TRAIL)
    if granted is Scope.ALL:
        return events.filter(sponsor_id=user.sponsor_id)
    if granted is Scope.OWN:
        return events.filter(sponsor_id=user.sponsor_id, actor_id=user.pk)
    return events.none()


def audit_event_list(*, user, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The visible events narrowed by `filters`, newest first."""
    events = audit_events_visible_to(user=user)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.verb:
        events = events.filter(verb=filters.verb)
    if filters.sponsor_id and user.is_home_office:
        events = events.filter(sponsor_id=filters.sponsor_id)
    return events.order_by("-id")
