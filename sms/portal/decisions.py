"""Decisions whose effects span apps, made in one transaction."""

from django.db import transaction

from sms.accounts.models import Sponsor, User
from sms.accounts.policy import Action, require
from sms.certificates.services.allocations import allocation_grant
from sms.licensing.models import LicenceApplication
from sms.licensing.services import applications


@transaction.atomic
def application_grant(
    *,
    application: LicenceApplication,
    actor: User,
    routes: list[str],
    validity_years: int | None = None,
    first_allocation: dict[str, int] | None = None,
) -> Sponsor:
    """Grant a licence application (licensing) and its first allocation (certificates) together."""
    require(actor, Action.DECIDE_CASES, application)
    sponsor = applications.application_grant(
        application=application,
        actor=actor,
        routes=routes,
        validity_years=validity_years,
        first_allocation=first_allocation,
    )
    application.refresh_from_db(fields=["first_allocation"])
    for category, number in application.first_allocation.items():
        allocation_grant(
            sponsor=sponsor, category=category, number=number, actor=actor, reason="First allocation with the licence"
        )
    return sponsor
