"""Test data made through the real services, so tests see what users would."""

import factory

from sms.accounts import services as accounts
from sms.accounts.models import Sponsor, User
from sms.licensing.models import KeyPersonRole, Route
from sms.licensing.services.licence import licence_issue
from sms.licensing.services.personnel import PersonDetails, key_person_appoint

PASSWORD = "Tricky-Harbour-2026"


class SponsorFactory(factory.django.DjangoModelFactory):
    """A sponsor with an active licence (Skilled Worker, A-rated) and its AO and KC."""

    class Meta:
        model = Sponsor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Sponsor {n} Ltd")
    registered_address = "1 High Street\nLeeds\nLS1 1AA"

    @factory.post_generation
    def licence(sponsor, create, routes, **kwargs):
        if not create:
            return
        licence_issue(sponsor=sponsor, routes=routes or [Route.SKILLED_WORKER], actor=None, **kwargs)
        for role, given in ((KeyPersonRole.AUTHORISING_OFFICER, "Ada"), (KeyPersonRole.KEY_CONTACT, "Ken")):
            key_person_appoint(
                sponsor=sponsor,
                role=role,
                person=suitable_person(given=given, email=f"{given.lower()}@{sponsor.pk}.example"),
                actor=None,
                effective_date=sponsor.licence.start_date,
                reportable=False,
            )


def suitable_person(*, given: str, email: str, family: str = "Person") -> PersonDetails:
    """Someone who makes every suitability declaration."""
    return PersonDetails(
        given_name=given,
        family_name=family,
        email=email,
        declared_uk_based=True,
        declared_no_unspent_convictions=True,
        declared_not_bankrupt=True,
    )


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
