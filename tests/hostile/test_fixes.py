"""Each hostile input the probe found, refused at its cause: money and hours, NUL characters, far
dates, a draft whose end is before its start, and a request withdrawn twice."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.certificates.forms import CertificateForm
from sms.certificates.models import Certificate
from sms.certificates.tests.factories import draft
from sms.core.exceptions import IllegalTransition
from sms.core.forms import HoursField, MoneyField
from sms.licensing.services.personnel import work_site_add
from sms.reporting.forms import FactForm
from sms.web.middleware import TransitionConflictMiddleware


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NaN", "Salary must be an amount in pounds, like 41700"),
        ("Infinity", "Salary must be an amount in pounds, like 41700"),
        ("-Infinity", "Salary must be an amount in pounds, like 41700"),
        ("1e30", "Salary must be £10,000,000 or less"),
        ("9" * 30, "Salary must be £10,000,000 or less"),
        ("-5", "Salary must be £0 or more"),
        ("12.345", "Salary must be an amount in pounds, like 41700"),
        ("1" * 40, "Salary must be an amount in pounds, like 41700"),
    ],
)
def test_the_money_field_refuses_what_is_not_an_amount_in_range(typed, message):
    field = MoneyField(label="Salary")
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == [message]


def test_the_money_field_keeps_real_amounts_in_pence():
    field = MoneyField(label="Salary")
    assert field.clean("£41,700.50") == 4170050
    assert field.clean("10000000") == 1_000_000_000


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1e30", "-5", "0", "169", "9" * 30, "37.25"])
def test_the_hours_field_refuses_what_is_not_hours_in_a_week(typed):
    with pytest.raises(ValidationError, match="Weekly hours must"):
        HoursField(label="Weekly hours").clean(typed)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"salary_pence": "NaN"}, "salary_pence"),
        ({"salary_pence": "1e30"}, "salary_pence"),
        ({"allowances_pence": "Infinity"}, "allowances_pence"),
        ({"weekly_hours": "-5"}, "weekly_hours"),
        ({"weekly_hours": "NaN"}, "weekly_hours"),
        ({"start_date": "1/1/2027", "end_date": "31/12/2026"}, "end_date"),
        ({"start_date": "31/12/9999"}, "start_date"),
    ],
)
def test_the_certificate_form_refuses_hostile_money_hours_and_dates_on_their_field(data, field):
    form = CertificateForm(data={"family_name": "Okoro", **data})
    assert list(form.errors) == [field]


@pytest.mark.parametrize("salary", ["NaN", "Infinity", "1e30", "-5"])
def test_a_salary_change_refuses_hostile_amounts(salary):
    form = FactForm(data={"start_date": "1/3/2026", "new_salary": salary}, kind="salary_change")
    assert list(form.errors) == ["new_salary"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"weekly_hours": -5},
        {"weekly_hours": 0},
        {"weekly_hours": 200},
        {"salary_pence": -1},
        {"salary_pence": 1_000_000_001},
    ],
)
def test_the_database_refuses_money_and_hours_out_of_range(sponsor, level_1, values):
    certificate = draft(sponsor, level_1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(**values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/certificates/allocations/requests/%00/",
        "/certificates/?q=%00",
        "/audit/?user=U%00",
        "/licence/users/U%00ABC/edit/",
    ],
)
def test_a_nul_character_anywhere_is_refused_before_the_view(client, level_1, url):
    sign_in(client, level_1)
    assert client.get(url).status_code == 400


@pytest.mark.django_db
def test_a_nul_character_in_a_form_is_refused_and_changes_nothing(client, level_1):
    sign_in(client, level_1)
    data = {"given_name": "A\x00", "family_name": "B", "email": "a@b.example"}
    response = client.post(reverse("licensing:add_level_2"), data)
    assert response.status_code == 400
    assert b"null character" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["abc", "R1'", "R 1", "R" * 21])
def test_a_reference_outside_its_alphabet_matches_no_page(client, level_1, reference):
    sign_in(client, level_1)
    assert client.get(f"/certificates/allocations/requests/{reference}/").status_code == 404


@pytest.mark.django_db
def test_far_dates_in_the_audit_filter_and_work_site_closure_are_field_errors(client, sponsor, level_1):
    sign_in(client, level_1)
    response = client.get(reverse("audit:trail"), {"date_to": "31/12/9999", "date_from": "1/1/9999"})
    assert response.status_code == 200
    assert "To date must be between 1 January 1900 and 31 December 2100" in response.content.decode()
    site = work_site_add(sponsor=sponsor, address="1 Site Road", opened_on=date(2026, 1, 5), actor=level_1)
    response = client.post(reverse("licensing:close_work_site", args=[site.uuid]), {"closed_on": "31/12/9999"})
    assert response.status_code == 200
    assert "must be between 1 January 1900 and 31 December 2100" in response.content.decode()
    site.refresh_from_db()
    assert site.closed_on is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "start", "end"),
    [
        ("skilled_worker", date(2027, 1, 4), date(2026, 1, 4)),
        ("international_sportsperson", date(2027, 1, 4), date(2026, 1, 4)),
        ("student", date(2027, 1, 4), date(2026, 1, 4)),
        ("skilled_worker", date(9999, 12, 31), date(9999, 1, 1)),
        ("skilled_worker", date(1, 1, 1), date(9999, 12, 31)),
    ],
)
def test_a_stored_draft_whose_dates_are_impossible_still_shows(client, sponsor, level_1, route, start, end):
    """Drafts saved before the form refused such dates (or through another path) still open."""
    made = draft(sponsor, level_1, route=route)
    Certificate.objects.filter(pk=made.pk).update(start_date=start, end_date=end)
    sign_in(client, level_1)
    for name in ("certificates:detail", "certificates:edit"):
        assert client.get(reverse(name, args=[made.uuid])).status_code == 200, name
    response = client.post(reverse("certificates:assign", args=[made.uuid]))
    assert response.status_code < 500


@pytest.mark.django_db
def test_a_status_change_no_view_handled_is_a_409_page_with_its_reason(rf, level_1):
    request = rf.post("/anywhere/")
    request.user = level_1
    request.user.is_verified = lambda: True  # django-otp's mark, set by its middleware
    middleware = TransitionConflictMiddleware(lambda request: None)
    response = middleware.process_exception(request, IllegalTransition("This sponsor request is already withdrawn"))
    assert response.status_code == 409
    assert "This sponsor request is already withdrawn" in response.content.decode()
