"""Effective-dated fees: the rate in force on a day, size-specific before general."""

from datetime import date

import pytest

from sms.core.exceptions import DomainError
from sms.core.fees import Rate, fee_in_force, format_pounds

RATES = [
    Rate("licence_application", "small", 53600, date(2017, 4, 6)),
    Rate("licence_application", "large", 147600, date(2017, 4, 6)),
    Rate("licence_application", "small", 57400, date(2025, 4, 9)),
    Rate("licence_application", "large", 157900, date(2025, 4, 9)),
    Rate("other", "", 1000, date(2020, 1, 1)),
    Rate("other", "small", 500, date(2020, 1, 1)),
]


@pytest.mark.parametrize(
    ("size", "on", "expected"),
    [
        ("small", date(2025, 4, 8), 53600),
        ("small", date(2025, 4, 9), 57400),
        ("large", date(2025, 4, 8), 147600),
        ("large", date(2026, 11, 22), 157900),
    ],
)
def test_the_latest_rate_started_on_or_before_the_day_applies(size, on, expected):
    assert fee_in_force(RATES, kind="licence_application", sponsor_size=size, on=on) == expected


def test_a_size_specific_rate_beats_a_general_one_of_the_same_date():
    assert fee_in_force(RATES, kind="other", sponsor_size="small", on=date(2021, 1, 1)) == 500
    assert fee_in_force(RATES, kind="other", sponsor_size="large", on=date(2021, 1, 1)) == 1000


def test_no_rate_in_force_is_a_clear_error():
    with pytest.raises(DomainError, match="No licence application fee is set for 01 January 2000"):
        fee_in_force(RATES, kind="licence_application", sponsor_size="small", on=date(2000, 1, 1))


@pytest.mark.parametrize(("pence", "text"), [(157900, "£1,579"), (5550, "£55.50"), (0, "£0")])
def test_money_is_shown_in_pounds(pence, text):
    assert format_pounds(pence) == text
