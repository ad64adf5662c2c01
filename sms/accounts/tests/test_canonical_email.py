"""One canonical form of an email address for finding, locking and storing an account.

Run on SQLite and PostgreSQL: PostgreSQL's UPPER() folds the long s onto S and the dotless i onto I,
so a case-insensitive look-up found the account under spellings the lockout counted apart.
"""

import importlib

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth import authenticate
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from sms.accounts import selectors, services
from sms.accounts.models import User
from sms.core.emails import canonical_email
from tests.factories import PASSWORD, make_sponsor_user

ADDRESS = "silas.fin@acme.example"
# Each spelling a person (or an attacker) might type for ADDRESS.
VARIANTS = {
    "long s": "\u017filas.fin@acme.example",
    "dotless i": "s\u0131las.f\u0131n@acme.example",
    "dotted capital I": "S\u0130LAS.FIN@acme.example",
    "upper case": "SILAS.FIN@ACME.EXAMPLE",
    "fullwidth letters": "\uff53\uff49\uff4c\uff41\uff53.fin@acme.example",
    "ligature": "silas.\ufb01n@acme.example",
    "spaces": "  silas.fin@acme.example\u3000",
}
NFD_ADDRESS = "silas@cafe\u0301.example"  # é as e and a combining accent


@pytest.fixture
def silas(sponsor):
    return make_sponsor_user(sponsor=sponsor, level="level_1", email=ADDRESS)


def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:sign_in"), {"email": email, "password": password})


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_spelling_has_the_one_canonical_form(variant):
    assert canonical_email(variant) == ADDRESS
    assert canonical_email(canonical_email(variant)) == ADDRESS


def test_composed_and_decomposed_forms_are_one_address():
    assert canonical_email(NFD_ADDRESS) == canonical_email("silas@caf\u00e9.example") == "silas@caf\u00e9.example"


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_a_lock_holds_against_every_spelling(client, silas, variant):
    for _ in range(3):
        _sign_in(client, ADDRESS, password="wrong")
    response = _sign_in(client, variant)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_failures_under_any_spelling_count_towards_one_lock(client, silas, variant):
    for spelling in (variant, ADDRESS.upper(), variant):
        _sign_in(client, spelling, password="wrong")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [ADDRESS]
    assert _sign_in(client, ADDRESS).status_code == 429


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_spelling_signs_in_to_the_one_account(client, silas, variant):
    assert _sign_in(client, variant).status_code == 302
    assert client.session["_auth_user_id"] == str(silas.pk)


def test_a_decomposed_address_signs_in_and_locks_as_the_composed_one(client, sponsor):
    user = make_sponsor_user(sponsor=sponsor, level="level_2", email="silas@caf\u00e9.example")
    for _ in range(3):
        _sign_in(client, NFD_ADDRESS, password="wrong")
    assert _sign_in(client, user.email).status_code == 429


def test_the_lock_is_checked_for_a_direct_authenticate_call_too(silas):
    """Not only the sign-in form: any caller of authenticate() meets the same key."""
    request = RequestFactory().post("/sign-in/")
    for _ in range(3):
        assert authenticate(request, email=VARIANTS["dotless i"], password="wrong") is None
    assert authenticate(request, email=VARIANTS["long s"], password=PASSWORD) is None
    assert getattr(request, "axes_locked_out", False)


def test_users_are_stored_in_canonical_form(sponsor):
    user = make_sponsor_user(sponsor=sponsor, level="level_2", email=VARIANTS["fullwidth letters"])
    assert user.email == ADDRESS
    user.email = VARIANTS["long s"]
    user.save()
    user.refresh_from_db()
    assert user.email == ADDRESS


def test_a_second_account_cannot_take_another_spelling_of_an_address(sponsor, silas):
    with pytest.raises(Exception, match="already exists"):
        services.user_create(
            email=VARIANTS["dotless i"],
            given_name="A",
            family_name="B",
            created_by=None,
            sponsor=sponsor,
            level="level_2",
        )


def test_password_reset_finds_the_account_by_any_spelling(client, silas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": VARIANTS["long s"]})
    assert [message.to for message in mail.outbox] == [[ADDRESS]]


def test_helpdesk_search_finds_the_account_by_any_spelling(silas):
    for variant in VARIANTS.values():
        assert selectors.account_for_staff_search(query=variant) == silas


def test_the_migration_stores_existing_addresses_in_canonical_form(sponsor, silas):
    User.objects.filter(pk=silas.pk).update(email=VARIANTS["long s"])
    migration = importlib.import_module("sms.accounts.migrations.0002_user_email_canonical")
    migration.store_canonical_emails(apps, None)
    silas.refresh_from_db()
    assert silas.email == ADDRESS


def test_the_migration_names_two_accounts_that_fold_together(sponsor, silas):
    other = make_sponsor_user(sponsor=sponsor, level="level_2", email="other@acme.example")
    User.objects.filter(pk=other.pk).update(email=ADDRESS.upper())
    migration = importlib.import_module("sms.accounts.migrations.0002_user_email_canonical")
    with pytest.raises(RuntimeError, match=f"{silas.user_id} and {other.user_id}"):
        migration.store_canonical_emails(apps, None)
