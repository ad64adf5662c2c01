"""Certificate test data, through the services."""

from datetime import date, timedelta

from django.utils import timezone

from sms.certificates.services.allocations import allocation_grant
from sms.certificates.services.certificates import certificate_save_draft


def complete_worker(**overrides) -> dict:
    """Every field a Skilled Worker CoS needs, passing every rule (software developer on GBP 50,000)."""
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
        "salary_pence": 5000000,
        "weekly_hours": 37.5,
        "start_date": start,
        "end_date": start.replace(year=start.year + 3) - timedelta(days=1),
        "work_address": "12 Mill Lane, Leeds, LS1 4AB",
    }
    return values | overrides


def give_allocation(sponsor, number=5, category="worker"):
    return allocation_grant(sponsor=sponsor, category=category, number=number, actor=None, reason="Test allocation")


def draft(sponsor, user, **overrides):
    return certificate_save_draft(sponsor=sponsor, actor=user, data=complete_worker(**overrides))
