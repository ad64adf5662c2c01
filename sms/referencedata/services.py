"""Reference data administrators maintain without a release (domain.md: facts that change with policy
are data with an effective date). Every change is audited; only administrators may make one."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sms.accounts import services as accounts
from sms.accounts.models import User
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates.models import SalaryThreshold
from sms.certificates.reference_data import publication_load, publication_parse
from sms.core.exceptions import DomainError
from sms.core.models import FeeRate
from sms.licensing.models import Route


def _future(effective_from: date) -> None:
    """A new figure starts tomorrow at the earliest: fees charged and checks made so far stand."""
    if effective_from <= timezone.localdate():
        raise DomainError("The date it takes effect must be in the future")


@transaction.atomic
def fee_rate_add(
    *, actor, kind: str, sponsor_size: str, amount_pence: int, effective_from: date, source: str = ""
) -> FeeRate:
    """Add a fee figure in force from a future date; the current figure applies until then."""
    require(actor, Action.ADMINISTER_REFERENCE_DATA)
    if kind not in FeeRate.Kind.values:
        raise DomainError("Select the fee")
    _future(effective_from)
    if FeeRate.objects.filter(kind=kind, sponsor_size=sponsor_size, effective_from=effective_from).exists():
        raise DomainError("That fee already has a figure from that date")
    fee = FeeRate.objects.create(
        kind=kind, sponsor_size=sponsor_size, amount_pence=amount_pence, effective_from=effective_from, source=source
    )
    audit.record(
        actor=actor,
        verb=Verb.FEE_RATE_ADDED,
        target=None,
        sponsor=None,
        payload={
            "fee": fee.get_kind_display(),
            "sponsor_size": sponsor_size or "any",
            "amount_pence": amount_pence,
            "effective_from": effective_from.isoformat(),
        },
    )
    return fee


@transaction.atomic
def salary_threshold_add(
    *,
    actor,
    route: str,
    general_threshold_pence: int,
    minimum_rqf_level: int,
    effective_from: date,
    hourly_floor_pence: int | None = None,
) -> SalaryThreshold:
    """Add a route's salary threshold in force from a future date."""
    require(actor, Action.ADMINISTER_REFERENCE_DATA)
    if route not in Route.values:
        raise DomainError("Select the route")
    _future(effective_from)
    if SalaryThreshold.objects.filter(route=route, effective_from=effective_from).exists():
        raise DomainError("That route already has a threshold from that date")
    threshold = SalaryThreshold.objects.create(
        route=route,
        general_threshold_pence=general_threshold_pence,
        minimum_rqf_level=minimum_rqf_level,
        hourly_floor_pence=hourly_floor_pence,
        effective_from=effective_from,
    )
    audit.record(
        actor=actor,
        verb=Verb.SALARY_THRESHOLD_ADDED,
        target=None,
        sponsor=None,
        payload={
            "route": threshold.get_route_display(),
            "general_threshold_pence": general_threshold_pence,
            "effective_from": effective_from.isoformat(),
        },
    )
    return threshold


@transaction.atomic
def occupations_upload(*, actor, raw: bytes):
    """Load the next publication of the occupation tables (the ``occupations_load`` command's JSON):
    checked whole first, nothing loaded unless every occupation is valid."""
    require(actor, Action.ADMINISTER_REFERENCE_DATA)
    try:
        publication = publication_parse(raw)
    except ValidationError as error:
        raise DomainError("; ".join(error.messages[:10])) from error
    table, changed = publication_load(publication)
    if changed:
        audit.record(
            actor=actor,
            verb=Verb.OCCUPATIONS_LOADED,
            target=None,
            sponsor=None,
            payload={"effective_from": table.effective_from.isoformat(), "occupations": table.occupations.count()},
        )
    return table, changed


@transaction.atomic
def staff_user_create(*, actor, email: str, given_name: str, family_name: str, staff_role: str) -> User:
    """Create a Home Office user with a role; they set a password through their activation link."""
    require(actor, Action.ADMINISTER_REFERENCE_DATA)
    if staff_role not in User.StaffRole.values:
        raise DomainError("Select a role")
    return accounts.user_create(
        email=email, given_name=given_name, family_name=family_name, created_by=actor, staff_role=staff_role
    )


@transaction.atomic
def staff_role_change(*, actor, user: User, staff_role: str) -> User:
    """Change a Home Office user's role (never one's own: an administrator cannot lock themself out)."""
    require(actor, Action.ADMINISTER_REFERENCE_DATA, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_home_office:
        raise DomainError("Only Home Office users have a staff role")
    if staff_role not in User.StaffRole.values:
        raise DomainError("Select a role")
    if user.pk == actor.pk:
        raise DomainError("You cannot change your own role")
    before = user.get_staff_role_display()
    user.staff_role = staff_role
    user.save(update_fields=["staff_role"])
    audit.record(
        actor=actor,
        verb=Verb.STAFF_ROLE_CHANGED,
        target=user,
        sponsor=None,
        payload={"before": before, "after": user.get_staff_role_display()},
    )
    return user
