"""Allocations: grants, exact consumption (in parallel on PostgreSQL), requests and decisions."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.certificates.models import Allocation, AllocationChange, AllocationRequest, Certificate
from sms.certificates.rules import allocation_year_start
from sms.certificates.services import allocations as services
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.core.exceptions import DomainError, IllegalTransition


def test_a_grant_adds_to_the_years_allocation_with_history(sponsor, caseworker):
    services.allocation_grant(sponsor=sponsor, category="worker", number=3, actor=caseworker, reason="First")
    services.allocation_grant(sponsor=sponsor, category="worker", number=2, actor=caseworker, reason="Increase")
    allocation = Allocation.objects.get(sponsor=sponsor)
    assert (allocation.granted, allocation.used, allocation.remaining) == (5, 0, 5)
    assert allocation.year_start == allocation_year_start(timezone.localdate())
    assert list(AllocationChange.objects.values_list("change", "reason")) == [(2, "Increase"), (3, "First")]


def test_assigning_uses_one_and_the_last_cannot_be_passed(sponsor, level_1):
    give_allocation(sponsor, number=1)
    certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    with pytest.raises(DomainError, match="no Worker CoS \\(undefined\\) certificates left"):
        certificate_assign(certificate=draft(sponsor, level_1, family_name="Second"), actor=level_1)
    allocation = Allocation.objects.get(sponsor=sponsor)
    assert (allocation.granted, allocation.used) == (1, 1)


def test_the_database_refuses_an_overdrawn_allocation(sponsor):
    allocation = give_allocation(sponsor, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(used=2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_assignments_never_overdraw_the_allocation(sponsor, level_1):
    """Twenty sessions assign at once against three remaining certificates: exactly three succeed."""
    give_allocation(sponsor, number=3)
    drafts = [draft(sponsor, level_1, family_name=f"Worker{n}") for n in range(20)]
    barrier = threading.Barrier(len(drafts))
    outcomes = []

    def assign(certificate):
        try:
            barrier.wait(timeout=30)
            certificate_assign(certificate=certificate, actor=level_1)
            outcomes.append("assigned")
        except DomainError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(drafts)) as pool:
        list(pool.map(assign, drafts))

    allocation = Allocation.objects.get(sponsor=sponsor)
    assert outcomes.count("assigned") == 3
    assert outcomes.count("refused") == 17
    assert (allocation.granted, allocation.used) == (3, 3)
    assert Certificate.objects.filter(status="assigned").count() == 3


def request(sponsor, level_1, **overrides):
    values = {
        "sponsor": sponsor,
        "actor": level_1,
        "kind": AllocationRequest.Kind.INCREASE,
        "requested": {"worker": 10, "temporary_worker": 4},
        "justification": "Winter pressures: ten new nurses",
    }
    return services.allocation_request_submit(**(values | overrides))


def test_a_priority_request_records_the_fee_in_force(sponsor, level_1):
    made = request(sponsor, level_1, priority=True, named_individuals="Ada Okoro")
    assert made.priority_fee_pence == 35000
    assert made.requested == {"worker": 10, "temporary_worker": 4}
    assert AuditEvent.objects.filter(verb=Verb.ALLOCATION_REQUESTED, actor=level_1).exists()


def test_an_annual_renewal_is_for_next_year(sponsor, level_1):
    made = request(sponsor, level_1, kind=AllocationRequest.Kind.RENEWAL)
    assert made.year_start == allocation_year_start(timezone.localdate()).replace(year=made.year_start.year)
    assert made.year_start.year == allocation_year_start(timezone.localdate()).year + 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"requested": {"worker": 0}}, "at least one category"),
        ({"justification": " "}, "Explain why"),
    ],
)
def test_requests_need_numbers_and_a_reason(sponsor, level_1, overrides, message):
    with pytest.raises(DomainError, match=message):
        request(sponsor, level_1, **overrides)


def test_granting_part_adds_what_was_granted_and_needs_reasons(sponsor, level_1, caseworker):
    made = request(sponsor, level_1)
    with pytest.raises(DomainError, match="Enter the reasons"):
        services.allocation_request_decide(request=made, actor=caseworker, granted={"worker": 5}, reason="")
    decided = services.allocation_request_decide(
        request=made, actor=caseworker, granted={"worker": 5, "temporary_worker": 0}, reason="Five now, review in March"
    )
    assert decided.status == AllocationRequest.Status.PARTLY_GRANTED
    assert dict(Allocation.objects.filter(sponsor=sponsor).values_list("category", "granted")) == {"worker": 5}


def test_granting_all_and_refusing(sponsor, level_1, caseworker):
    granted = services.allocation_request_decide(
        request=request(sponsor, level_1), actor=caseworker, granted={"worker": 10, "temporary_worker": 4}, reason=""
    )
    assert granted.status == AllocationRequest.Status.GRANTED
    refused = services.allocation_request_decide(
        request=request(sponsor, level_1), actor=caseworker, granted={}, reason="No evidence of vacancies"
    )
    assert refused.status == AllocationRequest.Status.REFUSED


def test_cannot_grant_more_than_asked(sponsor, level_1, caseworker):
    with pytest.raises(DomainError, match="cannot grant more"):
        services.allocation_request_decide(
            request=request(sponsor, level_1), actor=caseworker, granted={"worker": 11}, reason=""
        )


@pytest.mark.parametrize("status", ["granted", "partly_granted", "refused", "withdrawn"])
def test_decided_or_withdrawn_requests_cannot_change(sponsor, level_1, caseworker, status):
    made = request(sponsor, level_1)
    AllocationRequest.objects.filter(pk=made.pk).update(status=status)
    with pytest.raises(IllegalTransition):
        services.allocation_request_withdraw(request=made, actor=level_1)
    with pytest.raises(IllegalTransition):
        services.allocation_request_decide(request=made, actor=caseworker, granted={"worker": 1}, reason="x")
