"""Certificate services: drafts, assignment with fees, withdrawal, notes, use, expiry, defined CoS."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.certificates.models import Allocation, Certificate, DefinedCosRequest
from sms.certificates.services import certificates as services
from sms.certificates.tests.factories import complete_worker, draft, give_allocation
from sms.core.exceptions import DomainError, IllegalTransition
from sms.core.tests.test_identifiers import is_valid_code
from sms.licensing.models import LicenceRoute, Rating
from sms.licensing.services.licence import licence_suspend
from tests.factories import SponsorFactory, make_sponsor_user

Status = Certificate.Status


def test_a_draft_needs_only_the_family_name(sponsor, level_2):
    saved = services.certificate_save_draft(sponsor=sponsor, actor=level_2, data={"family_name": "Okoro"})
    assert (saved.status, saved.reference, saved.created_by) == (Status.DRAFT, None, level_2)
    with pytest.raises(DomainError, match="family name"):
        services.certificate_save_draft(sponsor=sponsor, actor=level_2, data={"given_names": "Ada"})


def test_editing_a_draft_again_is_audited(sponsor, level_2):
    saved = services.certificate_save_draft(sponsor=sponsor, actor=level_2, data={"family_name": "Okoro"})
    services.certificate_save_draft(
        sponsor=sponsor, actor=level_2, certificate=saved, data={"family_name": "Okoro", "given_names": "Ada"}
    )
    events = AuditEvent.objects.filter(verb=Verb.CERTIFICATE_DRAFTED).order_by("id")
    assert [event.payload.get("changed") for event in events] == [None, ["given_names"]]


def test_the_demo_certificate_can_start_on_29_february(time_machine):
    time_machine.move_to("2028-01-30 10:00:00Z", tick=False)
    values = complete_worker()
    assert (values["start_date"], values["end_date"]) == (date(2028, 2, 29), date(2031, 2, 27))


def test_assignment_gives_a_checked_reference_fees_and_expiry(sponsor, level_1):
    give_allocation(sponsor)
    assigned = services.certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    today = timezone.localdate()
    assert assigned.status == Status.ASSIGNED
    assert len(assigned.reference) == 11
    assert is_valid_code(assigned.reference)
    assert assigned.fee_pence == 52500
    # Large sponsor, three years from 16 December 2025 rates: 1,320 + 4 x 660.
    assert assigned.skills_charge_pence == 132000 + 4 * 66000
    assert assigned.expires_on == today + relativedelta(months=3)
    assert Allocation.objects.get(sponsor=sponsor).used == 1
    event = AuditEvent.objects.get(verb=Verb.CERTIFICATE_ASSIGNED)
    assert event.payload["reference"] == assigned.reference


def test_a_small_sponsor_pays_the_small_skills_charge(sponsor, level_1):
    sponsor.size = "small"
    sponsor.save()
    give_allocation(sponsor)
    assigned = services.certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    assert assigned.skills_charge_pence == 48000 + 4 * 24000


def test_a_failing_salary_blocks_assignment_and_uses_nothing(sponsor, level_1):
    give_allocation(sponsor)
    certificate = draft(sponsor, level_1, salary_pence=4000000)
    with pytest.raises(services.AssignmentRefused) as refused:
        services.certificate_assign(certificate=certificate, actor=level_1)
    assert [p.message for p in refused.value.problems] == [
        "Salary must be at least £54,700 for this occupation (the going rate for 2134)"
    ]
    certificate.refresh_from_db()
    assert (certificate.status, certificate.reference) == (Status.DRAFT, None)
    assert Allocation.objects.get(sponsor=sponsor).used == 0


def test_a_suspended_licence_assigns_nothing(sponsor, level_1, compliance_officer):
    give_allocation(sponsor)
    licence_suspend(licence=sponsor.licence, actor=compliance_officer, reason="Investigation")
    with pytest.raises(services.AssignmentRefused, match="suspended"):
        services.certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)


def test_b_rated_sponsors_assign_only_extensions(sponsor, level_1):
    give_allocation(sponsor)
    LicenceRoute.objects.filter(licence=sponsor.licence).update(rating=Rating.B)
    with pytest.raises(services.AssignmentRefused, match="B-rated"):
        services.certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    assert services.certificate_assign(certificate=draft(sponsor, level_1, is_extension=True), actor=level_1).reference


@pytest.mark.parametrize("source", [Status.ASSIGNED, Status.USED, Status.WITHDRAWN, Status.EXPIRED, Status.CANCELLED])
def test_only_a_draft_can_be_assigned(sponsor, level_1, source):
    give_allocation(sponsor)
    certificate = draft(sponsor, level_1)
    Certificate.objects.filter(pk=certificate.pk).update(status=source)
    with pytest.raises(IllegalTransition):
        services.certificate_assign(certificate=certificate, actor=level_1)


@pytest.fixture
def assigned(sponsor, level_1):
    give_allocation(sponsor)
    return services.certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)


def test_withdrawal_needs_a_reason_and_does_not_return_the_certificate(assigned, level_1):
    with pytest.raises(DomainError, match="Enter why"):
        services.certificate_withdraw(certificate=assigned, actor=level_1, reason="")
    withdrawn = services.certificate_withdraw(certificate=assigned, actor=level_1, reason="Offer declined")
    assert withdrawn.status == Status.WITHDRAWN
    assert Allocation.objects.get(sponsor=assigned.sponsor).used == 1
    today = timezone.localdate()
    with pytest.raises(DomainError, match=f"^This certificate was already withdrawn on {today.day} {today:%B %Y}$"):
        services.certificate_withdraw(certificate=assigned, actor=level_1, reason="Again")


def test_a_draft_cannot_be_withdrawn_and_is_told_why(sponsor, level_1):
    with pytest.raises(DomainError, match="^Only an assigned certificate can be withdrawn; its status is draft$"):
        services.certificate_withdraw(certificate=draft(sponsor, level_1), actor=level_1, reason="x")


def test_level_2_withdraws_and_notes_only_their_own(sponsor, assigned, level_2):
    with pytest.raises(PermissionDenied):
        services.certificate_withdraw(certificate=assigned, actor=level_2, reason="Not mine")
    with pytest.raises(PermissionDenied):
        services.certificate_add_note(certificate=assigned, actor=level_2, note="Not mine")
    give_allocation(sponsor)
    own = services.certificate_assign(certificate=draft(sponsor, level_2), actor=level_2)
    services.certificate_add_note(certificate=own, actor=level_2, note="Start date moved by a week")
    assert (
        services.certificate_withdraw(certificate=own, actor=level_2, reason="Offer declined").status
        == Status.WITHDRAWN
    )


def test_another_sponsors_user_cannot_touch_the_certificate(assigned, other_level_1):
    with pytest.raises(Http404):
        services.certificate_withdraw(certificate=assigned, actor=other_level_1, reason="x")


def test_notes_only_while_assigned(assigned, level_1, sponsor):
    noted = services.certificate_add_note(certificate=assigned, actor=level_1, note="Passport renewed")
    assert "Passport renewed" in noted.sponsor_note
    with pytest.raises(DomainError, match="only while the certificate is assigned"):
        services.certificate_add_note(certificate=draft(sponsor, level_1), actor=level_1, note="x")


def test_home_office_marks_it_used_with_the_visa_dates(assigned, caseworker):
    used = services.certificate_mark_used(
        certificate=assigned,
        actor=caseworker,
        visa_decision="granted",
        permission_start=date(2027, 1, 1),
        permission_end=date(2030, 1, 31),
    )
    assert (used.status, used.permission_end) == (Status.USED, date(2030, 1, 31))
    with pytest.raises(IllegalTransition):
        services.certificate_cancel(certificate=used, actor=caseworker, reason="x")


def test_the_sweep_expires_assigned_certificates_once(assigned):
    day_after = assigned.expires_on + timedelta(days=1)
    assert services.certificates_expire(today=assigned.expires_on) == (0, 0)
    assert services.certificates_expire(today=day_after) == (1, 0)
    assert services.certificates_expire(today=day_after) == (0, 0)
    assigned.refresh_from_db()
    assert assigned.status == Status.EXPIRED


def test_a_cas_is_valid_six_months_and_uses_the_cas_allocation(level_1):
    college = SponsorFactory(licence=["student"])
    student_l1 = type(level_1).objects.create_user(
        "l1@college.example", "Another-Long-Pass-1", kind="sponsor", sponsor=college, level="level_1"
    )
    give_allocation(college, category="student")
    cas = services.certificate_save_draft(
        sponsor=college,
        actor=student_l1,
        data=complete_worker(route="student", soc_code="", salary_pence=None, job_summary="", job_title="BSc Nursing"),
    )
    assert cas.kind == Certificate.Kind.CAS
    cas = services.certificate_assign(certificate=cas, actor=student_l1)
    assert cas.fee_pence == 0
    assert cas.expires_on == timezone.localdate() + relativedelta(months=6)
    assert Allocation.objects.get(sponsor=college).used == 1


def test_defined_cos_is_decided_then_assigned_without_using_the_allocation(sponsor, level_1, caseworker):
    request = services.defined_cos_request_submit(sponsor=sponsor, actor=level_1, data=complete_worker())
    assert request.status == DefinedCosRequest.Status.SUBMITTED
    with pytest.raises(DomainError, match="only after the Home Office grants"):
        services.certificate_assign(certificate=request.certificate, actor=level_1)
    services.defined_cos_decide(request=request, actor=caseworker, grant=True, reason="")
    request.refresh_from_db()
    assert request.assign_by == timezone.localdate() + relativedelta(months=3)
    assigned = services.certificate_assign(certificate=request.certificate, actor=level_1)
    assert assigned.status == Status.ASSIGNED
    assert not Allocation.objects.filter(sponsor=sponsor).exists()


def test_a_granted_defined_cos_lapses_if_not_assigned_in_three_months(sponsor, level_1, caseworker):
    request = services.defined_cos_request_submit(sponsor=sponsor, actor=level_1, data=complete_worker())
    services.defined_cos_decide(request=request, actor=caseworker, grant=True, reason="")
    request.refresh_from_db()
    assert services.certificates_expire(today=request.assign_by + timedelta(days=1)) == (0, 1)
    assert services.certificates_expire(today=request.assign_by + timedelta(days=1)) == (0, 0)
    request.refresh_from_db()
    assert request.status == DefinedCosRequest.Status.LAPSED
    [lapse] = [e for e in AuditEvent.objects.filter(verb=Verb.DEFINED_COS_DECIDED) if e.payload["status"] == "lapsed"]
    assert (lapse.sponsor_id, lapse.payload["reference"]) == (sponsor.pk, request.reference)


def test_a_defined_cos_request_must_pass_the_rules_first(sponsor, level_1):
    with pytest.raises(services.AssignmentRefused, match="Salary must be at least"):
        services.defined_cos_request_submit(sponsor=sponsor, actor=level_1, data=complete_worker(salary_pence=1000000))
    assert not DefinedCosRequest.objects.exists()


def test_refusing_a_defined_cos_needs_reasons(sponsor, level_1, caseworker):
    request = services.defined_cos_request_submit(sponsor=sponsor, actor=level_1, data=complete_worker())
    with pytest.raises(DomainError, match="Enter the reasons"):
        services.defined_cos_decide(request=request, actor=caseworker, grant=False, reason="")


@pytest.mark.parametrize(("day", "expected"), [("2025-12-15", 100000 + 4 * 50000), ("2025-12-16", 132000 + 4 * 66000)])
def test_the_skills_charge_uses_the_rates_in_force_on_the_day_of_assignment(
    sponsor, level_1, time_machine, day, expected
):
    time_machine.move_to(f"{day} 10:00:00Z", tick=False)
    give_allocation(sponsor)
    start = timezone.localdate() + timedelta(days=30)
    certificate = draft(
        sponsor, level_1, start_date=start, end_date=start.replace(year=start.year + 3) - timedelta(days=1)
    )
    assert services.certificate_assign(certificate=certificate, actor=level_1).skills_charge_pence == expected


@pytest.mark.parametrize("route", ["gbm_graduate_trainee", "scale_up"])
def test_a_global_business_mobility_or_scale_up_cos_is_a_temporary_worker_cos(db, route):
    """GBP 55, drawn from the Temporary Worker allocation, no Skills Charge (domain.md sections 2 and 3)."""
    sponsor = SponsorFactory(licence=[route])
    user = make_sponsor_user(sponsor=sponsor, level="level_1", email=f"l1@{route}.example")
    give_allocation(sponsor, category="temporary_worker")
    assigned = services.certificate_assign(certificate=draft(sponsor, user, route=route), actor=user)
    assert (assigned.fee_pence, assigned.skills_charge_pence) == (5500, 0)
    assert assigned.allocation.category == "temporary_worker"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"soc_code": "2311", "job_title": "Lecturer"}, "Occupation 2311 is exempt from the Immigration Skills Charge"),
        (
            {"switching_from_student": True},
            "Applicants switching from the Student route are exempt from the Immigration Skills Charge",
        ),
        ({"months": 5}, "Stays under 6 months are exempt from the Immigration Skills Charge"),
    ],
)
def test_skills_charge_exemptions_are_shown_before_and_recorded_as_nothing(sponsor, level_1, overrides, reason):
    give_allocation(sponsor)
    months = overrides.pop("months", 36)
    start = timezone.localdate() + timedelta(days=30)
    certificate = draft(
        sponsor,
        level_1,
        start_date=start,
        end_date=start + relativedelta(months=months) - timedelta(days=1),
        **overrides,
    )
    costs = services.certificate_costs(certificate, timezone.localdate())
    assert (costs.skills_charge_pence, costs.skills_charge_exemption) == (0, reason)
    assigned = services.certificate_assign(certificate=certificate, actor=level_1)
    assert assigned.skills_charge_pence == 0
    event = AuditEvent.objects.get(verb=Verb.CERTIFICATE_ASSIGNED)
    assert event.payload["skills_charge_exemption"] == reason


def test_a_stay_of_six_months_pays_the_skills_charge(sponsor, level_1):
    start = timezone.localdate() + timedelta(days=30)
    certificate = draft(
        sponsor, level_1, start_date=start, end_date=start + relativedelta(months=6) - timedelta(days=1)
    )
    assert services.certificate_costs(certificate, timezone.localdate()).skills_charge_pence == 66000


@pytest.mark.parametrize(("months", "fee"), [(12, 5500), (13, 52500)])
def test_an_international_sportsperson_for_12_months_or_less_pays_the_temporary_worker_fee(level_1, months, fee):
    club = SponsorFactory(licence=["international_sportsperson"])
    start = timezone.localdate() + timedelta(days=30)
    certificate = services.certificate_save_draft(
        sponsor=club,
        actor=level_1_of(club, level_1),
        data=complete_worker(
            route="international_sportsperson",
            soc_code="3411",
            start_date=start,
            end_date=start + relativedelta(months=months) - timedelta(days=1),
        ),
    )
    assert services.certificate_costs(certificate, timezone.localdate()).fee_pence == fee


def level_1_of(sponsor, level_1):
    return type(level_1).objects.create_user(
        f"l1@{sponsor.pk}.example", "Another-Long-Pass-1", kind="sponsor", sponsor=sponsor, level="level_1"
    )


def cas_draft(months_ahead, level_1):
    college = SponsorFactory(licence=["student"])
    actor = level_1_of(college, level_1)
    give_allocation(college, category="student")
    start = timezone.localdate() + relativedelta(months=months_ahead)
    data = complete_worker(
        route="student", soc_code="", salary_pence=None, job_summary="", job_title="BSc Nursing", start_date=start
    )
    return services.certificate_save_draft(sponsor=college, actor=actor, data=data)


def test_a_cas_can_be_assigned_five_months_before_the_course_starts(level_1):
    cas = cas_draft(5, level_1)
    assert services.certificate_assign(certificate=cas, actor=cas.created_by).status == Status.ASSIGNED


def test_a_cos_cannot_be_assigned_four_months_before_the_start(sponsor, level_1):
    give_allocation(sponsor)
    start = timezone.localdate() + relativedelta(months=4)
    certificate = draft(sponsor, level_1, start_date=start, end_date=start + relativedelta(years=2))
    with pytest.raises(services.AssignmentRefused, match="at most 3 months before the start date"):
        services.certificate_assign(certificate=certificate, actor=level_1)


def test_the_assignment_check_reads_a_fixed_number_of_queries(sponsor, level_1, django_assert_max_num_queries):
    certificate = draft(sponsor, level_1)
    with django_assert_max_num_queries(3):
        context = services.assignment_context(certificate, timezone.localdate())
    assert context.occupation.going_rate_pence == 5470000
    assert context.threshold.general_threshold_pence == 4170000


def test_assigning_takes_a_fixed_dozen_statements(sponsor, level_1):
    """Assigning is the busiest write of a large sponsor: the certificate lock with its sponsor, the
    rules' reads, the allocation's lock and count, every fee in one read, the reference, the row and
    its audit entry. Transaction savepoints aside, at most 12 statements, whichever certificate."""
    give_allocation(sponsor, number=5)
    first, second = draft(sponsor, level_1), draft(sponsor, level_1, family_name="Bello")
    services.certificate_assign(certificate=first, actor=level_1)
    with CaptureQueriesContext(connection) as assigning:
        assigned = services.certificate_assign(certificate=second, actor=level_1)
    statements = [q["sql"] for q in assigning.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 12, "\n".join(statements)
    assert assigned.status == Certificate.Status.ASSIGNED
    assert Allocation.objects.get(pk=assigned.allocation_id).used == 2
    assert assigned.fee_pence > 0
    assert assigned.skills_charge_pence > 0
