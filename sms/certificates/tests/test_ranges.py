"""Weekly hours and money stay in range on every path: the form, the assignment rules, the draft
service, and the database itself."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sms.certificates import rules
from sms.certificates.demo import complete_worker
from sms.certificates.models import Certificate
from sms.certificates.services.certificates import assignment_context
from sms.certificates.tests.factories import draft
from sms.core.exceptions import DomainError
from sms.core.forms import MoneyField
from sms.core.limits import MAX_AMOUNT_PENCE
from sms.reporting.models import Fact


@pytest.mark.parametrize("hours", [Decimal("-5"), Decimal("0"), Decimal("168.5"), Decimal("NaN")])
def test_the_assignment_rules_refuse_impossible_weekly_hours(sponsor, level_1, hours):
    candidate = Certificate(sponsor=sponsor, created_by=level_1, **complete_worker(weekly_hours=hours))
    check = rules.check_assignment(candidate, assignment_context(candidate, timezone.localdate()))
    assert [(problem.field, problem.message) for problem in check.problems] == [
        ("weekly_hours", "Weekly working hours must be more than 0 and no more than 168")
    ]


@pytest.mark.parametrize("hours", [Decimal("0.5"), Decimal("37.5"), Decimal("168")])
def test_possible_weekly_hours_pass(hours):
    assert rules.weekly_hours_possible(hours)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"weekly_hours": -5}, "weekly_hours: Ensure this value is greater than or equal to 0.1."),
        (
            {"salary_pence": MAX_AMOUNT_PENCE + 1},
            "salary_pence: Ensure this value is less than or equal to 1000000000.",
        ),
        ({"passport_number": "P" * 31}, "passport_number: Ensure this value has at most 30 characters (it has 31)."),
    ],
)
def test_saving_a_draft_checks_the_model_rules_whoever_calls(sponsor, level_1, values, message):
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        draft(sponsor, level_1, **values)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("weekly_hours", Decimal("-5")), ("weekly_hours", Decimal("0")), ("salary_pence", MAX_AMOUNT_PENCE + 1)],
)
def test_the_database_refuses_out_of_range_hours_and_salaries(sponsor, level_1, field, value):
    certificate = draft(sponsor, level_1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(**{field: value})


def test_the_database_refuses_an_absurd_new_salary_on_a_fact():
    constraint = next(c for c in Fact._meta.constraints if c.name == "fact_new_salary_in_range")
    assert ("new_salary_pence__lte", MAX_AMOUNT_PENCE) in constraint.condition.children[1].children


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "-1", "1e30", "10000000.01", "1e-5"])
def test_pounds_are_finite_not_negative_and_in_range(value):
    with pytest.raises(ValidationError):
        MoneyField(label="Salary").clean(value)


def test_ten_million_pounds_is_the_most():
    assert MoneyField(label="Salary").clean("10,000,000") == MAX_AMOUNT_PENCE
