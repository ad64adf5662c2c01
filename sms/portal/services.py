"""Writes to reference data that Home Office administrators maintain."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.dates import Nation, bank_holidays
from sms.core.exceptions import DomainError
from sms.core.models import ClosureDay


def closure_day_problem(day: date, *, today: date, nation: str = "") -> str:
    """Why ``day`` cannot be added as a closure day ("" if it can): a weekend or a bank holiday is
    never a working day anyway, and a past day would change deadlines already worked out from it.
    For every nation (``nation`` blank), a day that is a bank holiday in only some of them is allowed."""
    if day < today:
        return "The date must be today or in the future"
    if day.weekday() >= 5:
        return "The date must be a weekday: Saturdays and Sundays are never working days"
    nations = [nation] if nation else list(Nation.values)
    if all(day in bank_holidays(each, day.year) for each in nations):
        where = Nation(nation).label if nation else "every nation"
        return f"{day.day} {day:%B %Y} is already a bank holiday in {where}"
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
    if problem := closure_day_problem(day, today=timezone.localdate(), nation=nation):
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
