"""Data for the dashboard's tests, made directly: each test states the one fact it is about."""

from datetime import date
from itertools import count

from sms.certificates.models import Certificate
from sms.reporting.models import Fact, Obligation, SponsoredPerson

_serial = count(1)


def certificate(sponsor, user, *, status=Certificate.Status.ASSIGNED, assigned_by=None, **fields) -> Certificate:
    n = next(_serial)
    return Certificate.objects.create(
        sponsor=sponsor,
        created_by=user,
        assigned_by=assigned_by or user,
        status=status,
        reference=f"T{n:09d}",
        family_name=f"Worker{n}",
        given_names="Sam",
        route="skilled_worker",
        **fields,
    )


def person(sponsor, user, *, cert=None, status=SponsoredPerson.Status.ACTIVE, **fields) -> SponsoredPerson:
    n = next(_serial)
    return SponsoredPerson.objects.create(
        sponsor=sponsor, created_by=user, certificate=cert, status=status, family_name=f"Person{n}",
        given_names="Alex", **fields,
    )  # fmt: skip


def obligation(sponsor, *, legal_deadline: date, target_date: date, who=None, status=Obligation.Status.OPEN,
               **fields) -> Obligation:  # fmt: skip
    n = next(_serial)
    return Obligation.objects.create(
        sponsor=sponsor, person=who, event="employment_ended", status=status, trigger_date=date(2026, 1, 1),
        legal_deadline=legal_deadline, target_date=target_date, source_key=f"test:{n}", **fields,
    )  # fmt: skip


def absence(who, user, *, start: date, reportable_from: date, authorised=False, end: date | None = None) -> Fact:
    return Fact.objects.create(
        sponsor_id=who.sponsor_id, person=who, kind=Fact.Kind.ABSENCE, start_date=start, end_date=end,
        authorised=authorised, pay=Fact.Pay.UNPAID, reportable_from=reportable_from, recorded_by=user,
    )  # fmt: skip
