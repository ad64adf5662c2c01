"""Pure allocation rules: the allocation year, the forecast, categories held, the priority service."""

from datetime import date

import pytest

from sms.certificates.allocation_rules import (
    AllocationYear,
    allocation_forecast,
    allocation_year,
    categories_not_held,
    priority_service_refusal,
)


@pytest.mark.parametrize(
    ("granted_on", "day", "start", "end"),
    [
        (date(2025, 9, 1), date(2025, 9, 1), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2025, 9, 1), date(2026, 4, 10), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2025, 9, 1), date(2026, 8, 31), date(2025, 9, 1), date(2026, 8, 31)),
        (date(2025, 9, 1), date(2026, 9, 1), date(2026, 9, 1), date(2027, 8, 31)),
        (date(2025, 9, 1), date(2030, 1, 15), date(2029, 9, 1), date(2030, 8, 31)),
        (date(2024, 2, 29), date(2025, 3, 1), date(2025, 2, 28), date(2026, 2, 27)),
        (date(2024, 2, 29), date(2025, 2, 27), date(2024, 2, 29), date(2025, 2, 27)),
    ],
)
def test_allocation_years_run_12_months_from_the_grant(granted_on, day, start, end):
    assert allocation_year(day, granted_on=granted_on) == AllocationYear(start, end)


@pytest.mark.parametrize(
    ("day", "start"),
    [(date(2026, 4, 5), date(2025, 4, 6)), (date(2026, 4, 6), date(2026, 4, 6)), (date(2021, 1, 1), date(2020, 4, 6))],
)
def test_converted_licences_run_from_6_april_to_5_april(day, start):
    year = allocation_year(day, granted_on=date(2020, 12, 1), converted_from_tier2=True)
    assert (year.start, year.end) == (start, start.replace(year=start.year + 1, day=5))


def test_the_year_reads_as_uk_dates_and_the_next_follows_it():
    year = AllocationYear(date(2025, 9, 1), date(2026, 8, 31))
    assert year.label == "1 September 2025 to 31 August 2026"
    assert year.following() == AllocationYear(date(2026, 9, 1), date(2027, 8, 31))


def test_the_forecast_never_goes_past_the_allocations_end():
    """Eight a year at the recent rate would last until 2029; the allocation ends in April 2027."""
    forecast = allocation_forecast(
        remaining=300, used_recently=8, recent_days=56, today=date(2026, 11, 23), year_end=date(2027, 4, 5)
    )
    assert forecast.runs_out_on is None
    assert forecast.lasts_the_year
    assert forecast.year_end == date(2027, 4, 5)


def test_the_forecast_inside_the_year_and_when_none_are_left():
    inside = allocation_forecast(
        remaining=10, used_recently=56, recent_days=56, today=date(2026, 11, 23), year_end=date(2027, 4, 5)
    )
    assert (inside.runs_out_on, inside.per_week) == (date(2026, 12, 3), 7.0)
    empty = allocation_forecast(
        remaining=0, used_recently=0, recent_days=56, today=date(2026, 11, 23), year_end=date(2027, 4, 5)
    )
    assert empty.runs_out_on == date(2026, 11, 23)
    idle = allocation_forecast(
        remaining=5, used_recently=0, recent_days=56, today=date(2026, 11, 23), year_end=date(2027, 4, 5)
    )
    assert (idle.runs_out_on, idle.lasts_the_year) == (None, False)


def test_categories_not_held():
    assert categories_not_held(["worker", "student"], ["skilled_worker"]) == ["student"]
    assert categories_not_held(["temporary_worker"], ["scale_up"]) == []


@pytest.mark.parametrize(
    ("categories", "held", "refusal"),
    [
        (["worker"], [("skilled_worker", "a")], ""),
        (["worker", "temporary_worker"], [("skilled_worker", "a"), ("seasonal_worker", "a")], ""),
        (["student"], [("student", "a")], "not available for CAS"),
        (["worker", "student"], [("skilled_worker", "a"), ("student", "a")], "not available for CAS"),
        (["temporary_worker"], [("gbm_uk_expansion", "provisional")], "not available for UK Expansion"),
        (["temporary_worker"], [("gbm_secondment", "a"), ("gbm_service_supplier", "a")], "not available for UK"),
        (["temporary_worker"], [("gbm_secondment", "a"), ("creative_worker", "a")], ""),
        (["worker"], [("skilled_worker", "b")], "only for A-rated sponsors"),
        (["temporary_worker"], [("charity_worker", "a"), ("scale_up", "b")], "only for A-rated sponsors"),
    ],
)
def test_priority_service(categories, held, refusal):
    found = priority_service_refusal(categories, held)
    assert (refusal in found) if refusal else found == ""


def test_the_forecast_says_what_rate_it_rests_on():
    """A bare "at 0.1 a week" gave neither the unit nor the period it was measured over."""
    forecast = allocation_forecast(
        remaining=300, used_recently=1, recent_days=56, today=date(2026, 11, 23), year_end=date(2027, 4, 5)
    )
    assert forecast.basis == "at the rate of the last 8 weeks (1 certificate assigned, about 0.1 a week)"
    busy = allocation_forecast(
        remaining=10, used_recently=56, recent_days=56, today=date(2026, 11, 23), year_end=date(2027, 4, 5)
    )
    assert busy.basis == "at the rate of the last 8 weeks (56 certificates assigned, about 7 a week)"
