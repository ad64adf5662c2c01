"""The pure certificate rules: allocation years, validity, the Skills Charge, assignment checks."""

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms.certificates import rules
from sms.certificates.models import Occupation, SalaryThreshold
from sms.certificates.reference_data import PUBLICATION_FILE, publication_parse
from sms.core.fees import format_pounds


def published(code: str) -> Occupation:
    """The occupation as the shipped publication lists it (parsed from the file, no database)."""
    return PUBLISHED[code]


PUBLISHED = {occupation.code: occupation for occupation in publication_parse(PUBLICATION_FILE.read_bytes()).occupations}
OCCUPATION_2134 = published("2134")
CARE_WORKER = published("6135")
NURSE = published("2231")
SKILLED_WORKER_2025 = SalaryThreshold(
    route="skilled_worker",
    general_threshold_pence=4170000,
    minimum_rqf_level=6,
    discounted_floor_pence=3340000,
    phd_non_stem_floor_pence=3750000,
    national_pay_scale_floor_pence=2500000,
    hourly_floor_pence=1713,
    effective_from=date(2025, 11, 11),
)
SENIOR_SPECIALIST_2025 = SalaryThreshold(
    route="gbm_senior_specialist",
    general_threshold_pence=5250000,
    minimum_rqf_level=6,
    effective_from=date(2025, 7, 22),
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
        "threshold": SKILLED_WORKER_2025,
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
        "salary_pence": 6000000,
        "weekly_hours": 37.5,
        "salary_option": "standard",
        "switching_from_student": False,
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
    # 2134 at 37.5 hours: the going rate is GBP 54,700 (from 22 July 2025), above the GBP 41,700 threshold.
    assert rules.check_assignment(certificate(salary_pence=5470000), context()).ok
    check = rules.check_assignment(certificate(salary_pence=5469900), context())
    assert messages(check) == ["Salary must be at least £54,700 for this occupation (the going rate for 2134)"]


def test_the_going_rate_is_pro_rata_to_the_weekly_hours():
    # 30 hours: 54,700 x 30 / 37.5 = 43,760, still above the threshold.
    assert rules.check_assignment(certificate(weekly_hours=30, salary_pence=4376000), context()).ok
    check = rules.check_assignment(certificate(weekly_hours=30, salary_pence=4375999), context())
    assert messages(check) == [
        "Salary must be at least £43,760 for this occupation "
        "(the going rate for 2134, pro rata to 30 hours a week (£54,700 for 37.5 hours))"
    ]


def test_the_general_threshold_is_not_pro_rated():
    # 20 hours: the pro-rata going rate is 29,173.34, but GBP 41,700 applies whatever the hours.
    check = rules.check_assignment(certificate(weekly_hours=20, salary_pence=4169999), context())
    assert messages(check) == ["Salary must be at least £41,700 for this occupation (the general salary threshold)"]
    assert rules.check_assignment(certificate(weekly_hours=20, salary_pence=4170000), context()).ok


def test_the_hourly_floor_is_on_the_actual_hours():
    # An extension in warehouse work (9252) is held to the lower going rate, GBP 25,000 pro rata (32,000 for
    # 48 hours), and the GBP 41,700 threshold; but 41,700 for 48 hours a week is GBP 16.71 an hour.
    warehouse = context(occupation=published("9252"))
    extension = {"soc_code": "9252", "is_extension": True, "weekly_hours": 48}
    check = rules.check_assignment(certificate(**extension, salary_pence=4170000), warehouse)
    assert messages(check) == [
        "Salary must be at least £17.13 an hour (the hourly minimum): £41,700 a year for 48 hours a week is "
        "£16.71 an hour"
    ]
    # 42,750 / (48 x 52) = 17.1274..., which is GBP 17.13 to the penny.
    assert rules.check_assignment(certificate(**extension, salary_pence=4275000), warehouse).ok


@pytest.mark.parametrize(
    ("option", "passes", "fails", "rule"),
    [
        # New entrant: the published new entrant rate (70% of 54,700, GBP 38,300) over the GBP 33,400 floor.
        ("new_entrant", 3830000, 3829999, "(the new entrant rate for 2134)"),
        # PhD in a STEM subject: GBP 43,700 (80%) over the GBP 33,400 floor.
        ("phd_stem", 4370000, 4369999, "(the PhD (STEM) rate for 2134)"),
        # Other relevant PhD: GBP 49,200 (90%) over the GBP 37,500 floor.
        ("phd_non_stem", 4920000, 4919999, "(the PhD rate for 2134)"),
    ],
)
def test_discounted_options_use_their_rate_and_floor(option, passes, fails, rule):
    assert rules.check_assignment(certificate(salary_option=option, salary_pence=passes), context()).ok
    check = rules.check_assignment(certificate(salary_option=option, salary_pence=fails), context())
    assert messages(check) == [f"Salary must be at least {format_pounds(passes)} for this occupation {rule}"]


def test_the_discounted_floor_applies_when_the_rate_is_lower():
    # Chemical scientists 2111: new entrant rate GBP 33,400 = the floor; the floor is named when it binds.
    chemist = published("2111")
    check = rules.check_assignment(
        certificate(soc_code="2111", salary_option="phd_non_stem", salary_pence=3700000), context(occupation=chemist)
    )
    # PhD rate 35,900 is below the GBP 37,500 floor for a PhD not in a STEM subject.
    assert messages(check) == [
        "Salary must be at least £37,500 for this occupation (the salary floor for a PhD not in a STEM subject)"
    ]


def test_the_immigration_salary_list_option_needs_the_occupation_on_the_list():
    check = rules.check_assignment(certificate(salary_option="immigration_salary_list"), context())
    assert messages(check) == [
        "2134 Programmers and software development professionals is not on the Immigration Salary List"
    ]
    care = rules.check_assignment(
        certificate(soc_code="6135", salary_option="immigration_salary_list", salary_pence=3340000),
        context(occupation=CARE_WORKER),
    )
    assert care.ok


def test_the_phd_options_need_an_occupation_that_qualifies():
    check = rules.check_assignment(
        certificate(soc_code="6135", salary_option="phd_stem", salary_pence=4200000), context(occupation=CARE_WORKER)
    )
    assert messages(check) == ["6135 Care workers and home carers does not qualify for the PhD salary discount"]


def test_national_pay_scale_occupations_have_their_own_floor():
    # Midwifery nurses (2231) have no going rate of their own: the national pay scale applies, with a
    # GBP 25,000 floor instead of the GBP 41,700 threshold, and no hourly floor.
    assert rules.check_assignment(certificate(soc_code="2231", salary_pence=3200000), context(occupation=NURSE)).ok
    check = rules.check_assignment(certificate(soc_code="2231", salary_pence=2499999), context(occupation=NURSE))
    assert messages(check) == [
        "Salary must be at least £25,000 for this occupation (the national pay scale floor: 2231 is paid on national "
        "pay scales, and the scale's rate for the job also applies)"
    ]


def test_new_sponsorships_need_rqf_6_unless_on_a_shortage_list():
    laboratory = rules.check_assignment(
        certificate(soc_code="3111", salary_pence=4200000), context(occupation=published("3111"))
    )
    assert laboratory.ok  # Medium Skilled, on the Temporary Shortage List
    chefs = published("5434")
    new = rules.check_assignment(certificate(soc_code="5434", salary_pence=4200000), context(occupation=chefs))
    assert messages(new) == [
        "New sponsorships need an occupation at RQF level 6 or above, or one on the Temporary Shortage List or the "
        "Immigration Salary List: 5434 Chefs is Medium Skilled (RQF 3 to 5)"
    ]
    extension = rules.check_assignment(
        certificate(soc_code="5434", salary_pence=4200000, is_extension=True), context(occupation=chefs)
    )
    assert extension.ok


def test_extension_only_occupations_refuse_new_sponsorships():
    warehouse = published("9252")
    check = rules.check_assignment(certificate(soc_code="9252"), context(occupation=warehouse))
    assert messages(check) == [
        "9252 Warehouse operatives is open only to workers extending their stay in the same occupation"
    ]
    # An extension is held to the lower going rate (GBP 25,000) and the general threshold.
    assert rules.check_assignment(
        certificate(soc_code="9252", is_extension=True, salary_pence=4170000), context(occupation=warehouse)
    ).ok


def test_senior_or_specialist_workers_need_52_500():
    # Chemical scientists (2111): going rate GBP 39,900, so the GBP 52,500 threshold binds.
    senior = context(occupation=published("2111"), threshold=SENIOR_SPECIALIST_2025)
    route = {"route": "gbm_senior_specialist", "soc_code": "2111"}
    check = rules.check_assignment(certificate(**route, salary_pence=5249999), senior)
    assert messages(check) == ["Salary must be at least £52,500 for this occupation (the general salary threshold)"]
    assert rules.check_assignment(certificate(**route, salary_pence=5250000), senior).ok
    # Software developers: the GBP 54,700 going rate is higher.
    developer = rules.check_assignment(
        certificate(route="gbm_senior_specialist", salary_pence=5400000), context(threshold=SENIOR_SPECIALIST_2025)
    )
    assert messages(developer) == ["Salary must be at least £54,700 for this occupation (the going rate for 2134)"]
    option = rules.check_assignment(certificate(**route, salary_pence=6000000, salary_option="new_entrant"), senior)
    assert messages(option) == ["The discounted salary options are for the Skilled Worker route only"]


def test_occupation_must_be_eligible_for_the_route():
    check = rules.check_assignment(certificate(soc_code="9111"), context(occupation=published("9111")))
    assert messages(check) == ["9111 Farm workers cannot be sponsored on this route"]
    # Routes without a salary rule take any SOC 2020 occupation.
    seasonal = rules.check_assignment(
        certificate(route="seasonal_worker", soc_code="9111", salary_pence=2500000),
        context(occupation=published("9111"), threshold=None),
    )
    assert seasonal.ok


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


def test_a_cas_may_be_assigned_six_months_before_the_course_starts():
    cas = certificate(kind="cas", route="student", soc_code="", start_date=date(2027, 4, 22))  # 5 months ahead
    assert rules.check_assignment(cas, context()).ok
    late = rules.check_assignment(certificate(kind="cas", route="student", start_date=date(2027, 5, 23)), context())
    assert messages(late) == ["A CAS can be assigned at most 6 months before the course starts (22 May 2027)"]


def test_a_cos_four_months_ahead_is_refused():
    check = rules.check_assignment(certificate(start_date=date(2027, 3, 22)), context())
    assert messages(check) == [
        "A certificate can be assigned at most 3 months before the start date (22 February 2027)"
    ]


def test_start_date_at_most_three_months_ahead():
    assert rules.check_assignment(certificate(start_date=date(2027, 2, 22)), context()).ok
    check = rules.check_assignment(certificate(start_date=date(2027, 2, 23)), context())
    assert messages(check) == [
        "A certificate can be assigned at most 3 months before the start date (22 February 2027)"
    ]


def test_every_missing_mandatory_field_is_named():
    check = rules.check_assignment(certificate(given_names="", passport_number="", salary_pence=None), context())
    assert {problem.field for problem in check.problems} == {"given_names", "passport_number", "salary_pence"}
