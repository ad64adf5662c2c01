"""Writes to reference data that Home Office administrators maintain."""

from datetime import date

from django.db import transaction

from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.dates import Nation
from sms.core.exceptions import DomainError
from sms.core.models import ClosureDay


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
