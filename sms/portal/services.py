"""Writes to reference data that Home Office administrators maintain."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.dates import Nation
from sms.core.exceptions import DomainError
from sms.core.models import ClosureDay


def closure_day_problem(day: date, *, today: date) -> str:
    """Why ``day`` cannot be added as a closure day ("" if it can): a weekend is never a working day
    anyway, and a past day would change deadlines already worked out from it."""
    if day < today:
        return "The date must be today or in the future"
    if day.weekday() >= 5:
        return "The date must be a weekday: Saturdays and Sundays are never working days"
    return ""


@transaction.atomic
def closure_day_add(*, actor, day: date, nation: str, reason: str) -> ClosureDay:
    """Add a day that is not a working day (for one nation, or all when ``nation`` is blank).

    Deadlines computed from now on skip it; obligations already open keep their deadline.
    """
    require(actor, Action.ADMINISTER_REFERENCE_DATA)
    if nation and nation not in Nation.values:
        raise DomainError("Select a nation")
    if not reason.strip():
        raise DomainError("Enter why the day is a closure day")
    if problem := closure_day_problem(day, today=timezone.localdate()):
        raise DomainError(problem)
    if ClosureDay.objects.filter(day=day, nation=nation).exists():
        raise DomainError("That day is already a closure day")
    closure = ClosureDay.objects.create(day=day, nation=nation, reason=reason.strip())
    audit.record(
        actor=actor,
        verb=Verb.CLOSURE_DAY_ADDED,
        target=None,
        sponsor=None,
        payload={"day": day.isoformat(), "nation": nation or "all", "reason": closure.reason},
    )
    return closure


@transaction.atomic
def closure_day_remove(*, actor, closure: ClosureDay) -> None:
    """Take back a closure day added by mistake (or a bank holiday that was not, after all). Only a day
    still to come: deadlines already worked out over a past day stand."""
    require(actor, Action.ADMINISTER_REFERENCE_DATA)
    closure = ClosureDay.objects.select_for_update().filter(pk=closure.pk).first()
    if closure is None:
        raise DomainError("This closure day has already been removed")
    if closure.day < timezone.localdate():
        raise DomainError("A closure day in the past cannot be removed")
    audit.record(
        actor=actor,
        verb=Verb.CLOSURE_DAY_REMOVED,
        target=None,
        sponsor=None,
        payload={"day": closure.day.isoformat(), "nation": closure.nation or "all", "reason": closure.reason},
    )
    closure.delete()
