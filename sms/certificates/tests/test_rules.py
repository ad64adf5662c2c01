"""The pure certificate rules: allocation years, validity, the Skills Charge, assignment checks."""

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms.certificates import rules

OCCUPATION_2134 = SimpleNamespace(
    code="2134",
    title="Programmers and software development professionals",
    rqf_level=6,
    going_rate_pence=4940000,
    national_pay_scale=False,
    eligible_routes=["skilled_worker"],
)
CARE_WORKER = SimpleNamespace(
    code="6135",
    title="Care workers and home carers",
    rqf_level=3,
    going_rate_pence=2500000,
    national_pay_scale=False,
    eligible_routes=["skilled_worker"],
)
NURSE = SimpleNamespace(
    code="2231",
    title="Nurses",
    rqf_level=6,
    going_rate_pence=3104900,
    national_pay_scale=True,
    eligible_routes=["skilled_worker"],
)


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 4, 5), date(2025, 4, 6)),
        (date(2026, 4, 6), date(2026, 4, 6)),
        (date(2026, 12, 31), date(2026, 4, 6)),
        (date(2027, 1, 1), date(2026, 4, 6)),
    ],
)
def test_allocation_years_run_from_6_april_to_5_april(day, start):
    assert rules.allocation_year_start(day) == start


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_every_day_belongs_to_the_year_that_started_on_or_before_it(day):
    start = rules.allocation_year_start(day)
    assert (start.month, start.day) == (4, 6)
    assert start <= day < start.replace(year=start.year + 1)


def test_a_cos_is_valid_three_months_and_a_cas_six():
    assert rules.certificate_expiry(is_cas=False, assigned_on=date(2026, 1, 31)) == date(2026, 4, 30)
    assert rules.certificate_expiry(is_cas=True, assigned_on=date(2026, 1, 31)) == date(2026, 7, 31)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 1), date(2026, 5, 31), 66000),  # 5 months: one half year
        (date(2026, 1, 1), date(2026, 6, 30), 66000),  # 6 months exactly
        (date(2026, 1, 1), date(2026, 12, 31), 132000),  # 12 months
        (date(2026, 1, 1), date(2027, 3, 31), 198000),  # 15 months: a year and a half
        (date(2026, 1, 1), date(2028, 12, 31), 396000),  # 3 years
        (date(2026, 1, 1), date(2030, 12, 31), 660000),  # 5 years
    ],
)
def test_the_skills_charge_is_a_first_year_then_half_years(start, end, expected):
    assert rules.skills_charge(start=start, end=end, first_year_pence=132000, half_year_pence=66000) == expected


def context(**overrides):
    values = {
        "today": date(2026, 11, 22),
        "licence_status": "active",
        "route_rating": "a",
        "occupation": OCCUPATION_2134,
        "general_threshold_pence": 4170000,
        "minimum_rqf_level": 6,
    }
    return rules.AssignmentContext(**(values | overrides))


def certificate(**overrides):
    values = {
        "kind": "cos",
        "family_name": "Okoro",
        "given_names": "Ada",
        "nationality": "Nigerian",
        "date_of_birth": date(1990, 1, 1),
        "passport_number": "A1234567",
        "route": "skilled_worker",
        "is_extension": False,
        "job_title": "Software developer",
        "soc_code": "2134",
        "job_summary": "Builds software",
        "salary_pence": 5000000,
        "weekly_hours": 37.5,
        "start_date": date(2027, 1, 4),
        "end_date": date(2029, 1, 3),
        "work_address": "1 High Street, Leeds",
    }
    return SimpleNamespace(**(values | overrides))


def messages(check):
    return [problem.message for problem in check.problems]


def test_a_complete_certificate_above_the_threshold_passes():
    assert rules.check_assignment(certificate(), context()).ok


def test_salary_below_the_going_rate_names_the_rule_and_figure():
    check = rules.check_assignment(certificate(salary_pence=4500000), context())
    assert messages(check) == [
        "Salary must be at least £49,400 for this occupation (the going rate for the occupation)"
    ]


def test_salary_below_the_general_threshold_names_it():
    low = SimpleNamespace(**{**OCCUPATION_2134.__dict__, "going_rate_pence": 3000000})
    check = rules.check_assignment(certificate(salary_pence=4000000), context(occupation=low))
    assert messages(check) == ["Salary must be at least £41,700 for this occupation (the general salary threshold)"]


def test_national_pay_scale_occupations_use_the_scale_not_the_threshold():
    check = rules.check_assignment(certificate(soc_code="2231", salary_pence=3200000), context(occupation=NURSE))
    assert check.ok


def test_new_sponsorships_need_rqf_6_but_extensions_do_not():
    new = rules.check_assignment(certificate(soc_code="6135", salary_pence=4200000), context(occupation=CARE_WORKER))
    assert messages(new) == [
        "New sponsorships need an occupation at RQF level 6 or above: 6135 Care workers and home carers is RQF level 3"
    ]
    extension = rules.check_assignment(
        certificate(soc_code="6135", salary_pence=4200000, is_extension=True), context(occupation=CARE_WORKER)
    )
    assert extension.ok


def test_occupation_must_be_eligible_for_the_route():
    check = rules.check_assignment(certificate(route="scale_up"), context())
    assert "cannot be sponsored on this route" in messages(check)[0]


def test_unknown_soc_code():
    assert messages(rules.check_assignment(certificate(soc_code="9999"), context(occupation=None))) == [
        "9999 is not a SOC 2020 occupation code we know"
    ]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("suspended", "The licence is suspended: no certificates can be assigned until it is reinstated"),
        ("revoked", "The licence is not active: certificates cannot be assigned"),
    ],
)
def test_suspended_or_ended_licences_assign_nothing(status, message):
    assert message in messages(rules.check_assignment(certificate(), context(licence_status=status)))


def test_b_rated_routes_allow_only_extensions():
    check = rules.check_assignment(certificate(), context(route_rating="b"))
    assert messages(check) == ["The route is B-rated: certificates can only be assigned to extend existing workers"]
    assert rules.check_assignment(certificate(is_extension=True), context(route_rating="b")).ok


def test_route_must_be_on_the_licence():
    assert "The licence does not hold this route" in messages(
        rules.check_assignment(certificate(), context(route_rating=None))
    )


def test_start_date_at_most_three_months_ahead():
    assert rules.check_assignment(certificate(start_date=date(2027, 2, 22)), context()).ok
    check = rules.check_assignment(certificate(start_date=date(2027, 2, 23)), context())
    assert messages(check) == [
        "A certificate can be assigned at most 3 months before the start date (22 February 2027)"
    ]


def test_every_missing_mandatory_field_is_named():
    check = rules.check_assignment(certificate(given_names="", passport_number="", salary_pence=None), context())
    assert {problem.field for problem in check.problems} == {"given_names", "passport_number", "salary_pence"}
