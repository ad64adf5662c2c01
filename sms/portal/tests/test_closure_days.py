"""Closure days: a weekend or a past date is refused on its field; a day still to come can be removed."""

from datetime import date

import pytest
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.core.models import ClosureDay
from sms.portal.services import closure_day_add
from tests.factories import make_staff_user


@pytest.fixture
def administrator(db, time_machine):
    time_machine.move_to("2026-11-20 10:00:00Z")  # a Friday
    return make_staff_user(role=User.StaffRole.ADMINISTRATOR, email="admin@ho.example")


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("21/11/2026", "The date must be a weekday: Saturdays and Sundays are never working days"),
        ("19/11/2026", "The date must be today or in the future"),
        ("25/12/2026", "25 December 2026 is already a bank holiday in every nation"),
        ("30/11/2026|scotland", "30 November 2026 is already a bank holiday in Scotland"),
    ],
)
def test_a_weekend_past_date_or_bank_holiday_is_refused_on_the_date_field(client, administrator, day, message):
    sign_in(client, administrator)
    day, _, nation = day.partition("|")
    response = client.post(reverse("portal:closure_days"), {"day": day, "nation": nation, "reason": "Royal occasion"})
    assert response.context["form"].errors == {"day": [message]}
    assert 'href="#id_day"' in response.content.decode()
    assert not ClosureDay.objects.exists()


def test_a_closure_day_to_come_can_be_removed_and_it_is_audited(client, administrator):
    closure = closure_day_add(actor=administrator, day=date(2026, 11, 24), nation="scotland", reason="Royal occasion")
    sign_in(client, administrator)
    page = client.get(reverse("portal:closure_days")).content.decode()
    assert '<td class="govuk-table__cell">Scotland</td>' in page
    assert reverse("portal:closure_day_remove", args=[closure.pk]) in page
    response = client.post(reverse("portal:closure_day_remove", args=[closure.pk]))
    assert response.url == reverse("portal:closure_days")
    assert not ClosureDay.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.CLOSURE_DAY_REMOVED, actor=administrator).exists()


def test_a_past_closure_day_stays(client, administrator, time_machine):
    closure = closure_day_add(actor=administrator, day=date(2026, 11, 24), nation="", reason="Royal occasion")
    time_machine.move_to("2026-11-30 10:00:00Z")
    sign_in(client, administrator)
    assert (
        reverse("portal:closure_day_remove", args=[closure.pk])
        not in client.get(reverse("portal:closure_days")).content.decode()
    )
    client.post(reverse("portal:closure_day_remove", args=[closure.pk]))
    assert ClosureDay.objects.filter(pk=closure.pk).exists()


def test_only_administrators_remove_closure_days(client, administrator, caseworker):
    closure = closure_day_add(actor=administrator, day=date(2026, 11, 24), nation="", reason="Royal occasion")
    sign_in(client, caseworker)
    assert client.post(reverse("portal:closure_day_remove", args=[closure.pk])).status_code == 403
    assert ClosureDay.objects.exists()


def test_a_bank_holiday_of_one_nation_can_close_the_others(administrator):
    """St Andrew's Day (Monday 30 November 2026) is a bank holiday in Scotland only."""
    closure_day_add(actor=administrator, day=date(2026, 11, 30), nation="", reason="Royal occasion")
    assert ClosureDay.objects.get().day == date(2026, 11, 30)
