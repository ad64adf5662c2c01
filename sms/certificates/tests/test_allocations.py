"""Allocations: grants, exact consumption (in parallel on PostgreSQL), requests and decisions."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.certificates.models import Allocation, AllocationChange, AllocationRequest, Certificate
from sms.certificates.services import allocations as services
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.core.exceptions import DomainError, IllegalTransition
from sms.licensing.models import Licence, LicenceRoute, Rating, Route
from sms.licensing.services.licence import licence_renew
from tests.factories import SponsorFactory, make_sponsor_user


@pytest.fixture
def sponsor(db):
    """A Worker and Temporary Worker sponsor (Skilled Worker and Seasonal Worker, A-rated)."""
    return SponsorFactory(name="Acme Care Ltd", licence=[Route.SKILLED_WORKER, Route.SEASONAL_WORKER])


def licence_granted_on(sponsor, day, **fields):
    Licence.objects.filter(sponsor=sponsor).update(start_date=day, **fields)


def test_a_grant_adds_to_the_years_allocation_with_history(sponsor, caseworker):
    services.allocation_grant(sponsor=sponsor, category="worker", number=3, actor=caseworker, reason="First")
    services.allocation_grant(sponsor=sponsor, category="worker", number=2, actor=caseworker, reason="Increase")
    allocation = Allocation.objects.get(sponsor=sponsor)
    assert (allocation.granted, allocation.used, allocation.remaining) == (5, 0, 5)
    licence = Licence.objects.get(sponsor=sponsor)
    assert allocation.year_start == services.allocation_year_for(licence, timezone.localdate()).start
    assert allocation.year_start == licence.start_date  # granted today, so the first year starts today
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


def test_an_annual_renewal_is_for_next_year(sponsor, level_1, time_machine):
    licence_granted_on(sponsor, date(2025, 9, 1))
    time_machine.move_to("2026-03-10 10:00:00Z", tick=False)
    made = request(sponsor, level_1, kind=AllocationRequest.Kind.RENEWAL)
    assert made.year_start == date(2026, 9, 1)


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


# Allocation years (domain.md section 4).


def test_the_allocation_year_runs_12_months_from_the_licence_grant(sponsor, level_1, time_machine):
    """Granted in September, certificates can still be assigned the next April; not in the next September."""
    licence_granted_on(sponsor, date(2025, 9, 1))
    time_machine.move_to("2025-09-01 10:00:00Z", tick=False)
    allocation = give_allocation(sponsor, number=3)
    assert (allocation.year_start, allocation.year_end) == (date(2025, 9, 1), date(2026, 8, 31))
    time_machine.move_to("2026-04-10 10:00:00Z", tick=False)
    assert certificate_assign(certificate=draft(sponsor, level_1), actor=level_1).allocation == allocation
    time_machine.move_to("2026-09-01 10:00:00Z", tick=False)
    with pytest.raises(DomainError, match="1 September 2026 to 31 August 2027"):
        certificate_assign(certificate=draft(sponsor, level_1, family_name="Late"), actor=level_1)
    allocation.refresh_from_db()
    assert allocation.remaining == 2  # lapsed with the year: never used again


def test_a_licence_converted_on_1_december_2020_keeps_6_april_years(db, time_machine):
    time_machine.move_to("2026-03-10 10:00:00Z", tick=False)
    converted = SponsorFactory(name="Tier 2 Ltd", licence__converted_from_tier2=True)
    allocation = give_allocation(converted)
    assert (allocation.year_start, allocation.year_end) == (date(2025, 4, 6), date(2026, 4, 5))


def test_a_renewal_grant_starts_a_new_allocation_year(sponsor, caseworker, time_machine):
    licence_granted_on(sponsor, date(2025, 9, 1), expiry_date=date(2026, 5, 31))
    time_machine.move_to("2026-03-10 10:00:00Z", tick=False)
    before = give_allocation(sponsor)
    licence_renew(licence=Licence.objects.get(sponsor=sponsor), actor=caseworker)
    before.refresh_from_db()
    assert before.year_end == date(2026, 3, 9)
    after = give_allocation(sponsor)
    assert (after.year_start, after.year_end) == (date(2026, 3, 10), date(2027, 3, 9))


def test_one_allocation_per_licence_year_and_category(sponsor):
    give_allocation(sponsor, number=2)
    give_allocation(sponsor, number=3)
    give_allocation(sponsor, number=1, category="temporary_worker")
    assert sorted(Allocation.objects.values_list("category", "granted")) == [("temporary_worker", 1), ("worker", 5)]


# Only categories of routes the licence holds (domain.md section 4).


def test_a_sponsor_cannot_request_a_category_its_routes_do_not_use(sponsor, level_1):
    with pytest.raises(DomainError, match="holds no route for CAS"):
        request(sponsor, level_1, requested={"worker": 1, "student": 5})
    assert not AllocationRequest.objects.exists()


def test_the_home_office_cannot_grant_a_category_the_licence_no_longer_holds(sponsor, level_1, caseworker):
    made = request(sponsor, level_1)
    LicenceRoute.objects.filter(route=Route.SEASONAL_WORKER).update(removed_on=date(2025, 1, 1))
    with pytest.raises(DomainError, match="holds no route for Temporary Worker CoS"):
        services.allocation_request_decide(
            request=made, actor=caseworker, granted={"worker": 10, "temporary_worker": 4}, reason=""
        )
    made.refresh_from_db()
    assert made.status == AllocationRequest.Status.SUBMITTED
    assert not Allocation.objects.exists()


def test_no_allocation_is_granted_for_a_category_the_licence_does_not_hold(sponsor, caseworker):
    with pytest.raises(DomainError, match="holds no route for CAS"):
        services.allocation_grant(sponsor=sponsor, category="student", number=5, actor=caseworker, reason="x")
    assert not Allocation.objects.exists()


# Priority service (domain.md section 4).


def test_priority_service_is_not_for_cas(db):
    college = SponsorFactory(licence=[Route.SKILLED_WORKER, Route.STUDENT])
    level_1 = make_level_1(college)
    with pytest.raises(DomainError, match="not available for CAS"):
        request(college, level_1, requested={"student": 50}, priority=True)
    assert not AllocationRequest.objects.exists()


@pytest.mark.parametrize("route", [Route.GBM_UK_EXPANSION, Route.GBM_SERVICE_SUPPLIER, Route.GBM_SECONDMENT])
def test_priority_service_is_not_for_uk_expansion_service_supplier_or_secondment(db, route):
    sponsor = SponsorFactory(licence=[route])
    with pytest.raises(DomainError, match="not available for UK Expansion Worker, Service Supplier"):
        request(sponsor, make_level_1(sponsor), requested={"temporary_worker": 2}, priority=True)


def test_priority_service_is_only_for_a_rated_sponsors(sponsor, level_1):
    LicenceRoute.objects.filter(route=Route.SKILLED_WORKER).update(rating=Rating.B)
    with pytest.raises(DomainError, match="only for A-rated sponsors"):
        request(sponsor, level_1, requested={"worker": 2}, priority=True)
    made = request(sponsor, level_1, requested={"temporary_worker": 2}, priority=True)
    assert made.priority_fee_pence == 35000


def make_level_1(sponsor):
    return make_sponsor_user(sponsor=sponsor, level="level_1", email=f"l1@{sponsor.pk}.example")


def test_the_allocations_forecasts_take_the_same_queries_however_many_allocations(db):
    """Each allocation's forecast counts its recent use in the one query that reads the allocations."""
    from django.test.utils import CaptureQueriesContext

    from sms.certificates import selectors
    from sms.certificates.tests.factories import draft, give_allocation
    from sms.licensing.models import Route
    from tests.factories import SponsorFactory, make_sponsor_user

    sponsor = SponsorFactory(licence=[Route.SKILLED_WORKER, Route.STUDENT, Route.SEASONAL_WORKER])
    level_1 = make_sponsor_user(sponsor=sponsor, level="level_1", email="l1@forecast.example")
    give_allocation(sponsor, number=10)
    certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    with CaptureQueriesContext(connection) as one:
        [worker] = selectors.current_allocations(sponsor_id=sponsor.pk)
    assert worker.used_recently == 1
    give_allocation(sponsor, number=5, category="temporary_worker")
    give_allocation(sponsor, number=5, category="student")
    with CaptureQueriesContext(connection) as three:
        allocations = selectors.current_allocations(sponsor_id=sponsor.pk)
    assert len(allocations) == 3
    assert len(three.captured_queries) == len(one.captured_queries)
    assert {allocation.category: allocation.used_recently for allocation in allocations}["worker"] == 1
