"""Reads of the audit trail, scoped to what the acting user may see."""

from django.db.models import QuerySet

from sms.accounts.policy import Action, Scope, scope
from sms.audit.models import AuditEvent
from sms.trail.filters import AuditEventFilterSet


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


def audit_event_search(*, user, data=None) -> AuditEventFilterSet:
    """The events ``user`` may see (scope first), newest first, narrowed by ``data`` (the query
    string); ``.form`` is the filter form, ``.qs`` the events.

    Newest first is (time, id) descending: the order every audit index ends with (AuditEvent.Meta).
    """
    events = audit_events_visible_to(user=user).order_by("-occurred_at", "-id")
    return AuditEventFilterSet(data or None, queryset=events, viewer=user)


def audit_exports_visible_to(*, user) -> QuerySet:
    """The background exports `user` may follow and download: as the trail itself is scoped.

    Home Office staff: exports made by Home Office staff. Level 1: every export of their sponsor
    (each holds no more than the sponsor's trail). Level 2: only their own.
    """
    from sms.trail.models import AuditExport

    exports = AuditExport.objects.select_related("requested_by")
    if user.is_authenticated and user.is_home_office and scope(user, Action.VIEW_HOME_OFFICE_RECORDS) is Scope.ALL:
        return exports.filter(sponsor__isnull=True, requested_by__sponsor__isnull=True)
    granted = scope(user, Action.VIEW_AUDIT_TRAIL)
    if granted is Scope.ALL:
        return exports.filter(sponsor_id=user.sponsor_id)
    if granted is Scope.OWN:
        return exports.filter(sponsor_id=user.sponsor_id, requested_by=user)
    return exports.none()
