"""Impossible input is refused on its field: telephone numbers, passport and birth dates, NI numbers,
weekly hours. Checked on the certificate form (and so the CSV import), the application's person
forms and the key personnel form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sms.accounts.tests.helpers import sign_in
from sms.certificates.forms import CertificateForm
from sms.licensing.forms import KeyPersonForm, PersonForm

PHONE_LETTERS = (
    "Telephone number must contain only numbers, spaces, brackets or hyphens, "
    "like 01632 960 001, 07700 900 982 or +44 808 157 0192"
)
PHONE_LENGTH = (
    "Telephone number must be between 10 and 15 digits, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
)
DECLARED = {
    "given_name": "Nadia",
    "family_name": "Ali",
    "email": "nadia@acme.example",
    "declared_uk_based": "on",
    "declared_no_unspent_convictions": "on",
    "declared_not_bankrupt": "on",
}


def certificate_errors(**data) -> dict:
    form = CertificateForm(data={"family_name": "Okoro", **data})
    form.is_valid()
    return form.errors


def test_a_passport_that_expires_before_it_was_issued_is_refused_on_the_expiry_date():
    errors = certificate_errors(passport_issue_date="1/2/2024", passport_expiry_date="1/2/2020")
    assert errors == {"passport_expiry_date": ["Passport expiry date must be after the passport issue date"]}


def test_a_date_of_birth_in_the_future_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = certificate_errors(date_of_birth=f"{tomorrow:%d/%m/%Y}")
    assert errors == {"date_of_birth": ["Date of birth must be in the past"]}


def test_a_passport_issued_in_the_future_or_before_birth_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "passport_issue_date" in certificate_errors(passport_issue_date=f"{tomorrow:%d/%m/%Y}")
    errors = certificate_errors(date_of_birth="1/1/2000", passport_issue_date="1/1/1999")
    assert errors == {"passport_issue_date": ["Passport issue date must be after the date of birth"]}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ni_number": "12345"}, "ni_number"),
        ({"weekly_hours": "200"}, "weekly_hours"),
        ({"weekly_hours": "0"}, "weekly_hours"),
    ],
)
def test_impossible_certificate_details_are_refused_on_their_field(data, field):
    assert list(certificate_errors(**data)) == [field]


def test_a_real_ni_number_is_kept_without_spaces():
    form = CertificateForm(data={"family_name": "Okoro", "ni_number": "qq 12 34 56 c"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["ni_number"] == "QQ123456C"


@pytest.mark.parametrize(
    ("phone", "message"),
    [("call me", PHONE_LETTERS), ("0161 abc 4567", PHONE_LETTERS), ("12345", PHONE_LENGTH), ("0" * 16, PHONE_LENGTH)],
)
@pytest.mark.parametrize("form_class", [PersonForm, KeyPersonForm])
def test_every_phone_field_refuses_letters_and_numbers_too_short_or_long(form_class, phone, message):
    data = {**DECLARED, "phone": phone, "effective_date": f"{timezone.localdate():%d/%m/%Y}"}
    form = form_class(data=data)
    assert form.errors == {"phone": [message]}


@pytest.mark.parametrize("phone", ["01632 960 001", "07700 900982", "+44 (0)808 157-0192", ""])
def test_real_phone_numbers_are_accepted(phone):
    assert PersonForm(data={**DECLARED, "phone": phone}).is_valid()


def test_the_key_personnel_page_shows_a_bad_phone_number_on_its_field(client, level_1):
    sign_in(client, level_1)
    response = client.post(
        reverse("licensing:replace_key_person", args=["key-contact"]),
        {**DECLARED, "phone": "12345", "effective_date": f"{timezone.localdate():%d/%m/%Y}"},
    )
    content = response.content.decode()
    assert 'href="#id_phone"' in content
    assert PHONE_LENGTH in content
