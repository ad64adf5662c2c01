"""A complete, rule-passing Skilled Worker certificate, for the demo data and the tests."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone


def complete_worker(**overrides) -> dict:
    """Every field a Skilled Worker CoS needs, passing every rule (software developer on GBP 55,000)."""
    start = timezone.localdate() + timedelta(days=30)
    values = {
        "family_name": "Okoro",
        "given_names": "Ada",
        "nationality": "Nigerian",
        "date_of_birth": date(1990, 5, 17),
        "passport_number": "A12345678",
        "route": "skilled_worker",
        "job_title": "Software developer",
        "soc_code": "2134",
        "job_summary": "Designs, builds and tests the company's care-planning software.",
        "salary_pence": 5500000,
        "weekly_hours": 37.5,
        "start_date": start,
        "end_date": start + relativedelta(years=3) - timedelta(days=1),
        "work_address": "12 Mill Lane, Leeds, LS1 4AB",
    }
    return values | overrides
