"""Test data made through the real services, so tests see what users would."""

import factory

from sms.accounts import services as accounts
from sms.accounts.models import User
from sms.licensing.models import Sponsor

PASSWORD = "Tricky-Harbour-2026"


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    name = factory.Sequence(lambda n: f"Sponsor {n} Ltd")


def make_sponsor_user(*, sponsor: Sponsor, level: str, email: str, password: str = PASSWORD) -> User:
    """An activated sponsor user with a password, created and activated through the services."""
    user = accounts.user_create(
        email=email,
        given_name="Test",
        family_name=email.split("@")[0].title(),
        created_by=None,
        sponsor=sponsor,
        level=level,
        send_activation=False,
    )
    return accounts.account_activate(user=user, password=password)


def make_staff_user(*, role: str, email: str, password: str = PASSWORD) -> User:
    """An activated Home Office user with the given staff role."""
    user = accounts.user_create(
        email=email,
        given_name="Staff",
        family_name=role.title(),
        created_by=None,
        staff_role=role,
        send_activation=False,
    )
    return accounts.account_activate(user=user, password=password)
