"""Signing in and out, lockout after repeated failures, and the helpdesk unlock."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb


def test_sign_in_with_the_right_password_goes_to_the_sponsor_home_and_is_audited(client, level_1):
    response = sign_in(client, level_1)
    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == reverse("portal:sponsor_home")
    assert AuditEvent.objects.filter(verb=Verb.SIGNED_IN, actor=level_1, sponsor=level_1.sponsor).exists()


def test_email_address_is_not_case_sensitive(client, level_1):
    response = client.post(
        reverse("accounts:sign_in"), {"email": level_1.email.upper(), "password": "Tricky-Harbour-2026"}
    )
    assert response.status_code == 302


def test_home_office_staff_land_on_the_home_office_home(client, caseworker):
    sign_in(client, caseworker)
    response = client.get(reverse("portal:home"))
    assert response.url == reverse("portal:home_office_home")


def test_wrong_password_shows_an_error_and_is_audited_against_the_account(client, level_1):
    response = sign_in(client, level_1, password="wrong")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    failure = AuditEvent.objects.get(verb=Verb.SIGN_IN_FAILED)
    assert failure.sponsor == level_1.sponsor
    assert failure.payload == {"email": level_1.email}


def test_empty_form_names_each_missing_field(client, db):
    content = client.post(reverse("accounts:sign_in"), {}).content.decode()
    assert "Enter your email address" in content
    assert "Enter your password" in content
    assert "<title>Error: " in content


def test_three_failures_lock_the_account_even_against_the_right_password(client, level_1):
    for _ in range(3):
        sign_in(client, level_1, password="wrong")
    response = sign_in(client, level_1)
    assert response.status_code == 429
    content = response.content.decode()
    assert "Your account is locked" in content
    assert "Try again in 30 minutes" in content
    assert AuditEvent.objects.filter(verb=Verb.ACCOUNT_LOCKED, sponsor=level_1.sponsor).exists()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_so_colleagues_can_still_sign_in(client, level_1, level_2):
    for _ in range(3):
        sign_in(client, level_1, password="wrong")
    assert sign_in(client, level_2).status_code == 302


def test_lockout_expires_after_the_cool_off(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z")
    for _ in range(3):
        sign_in(client, level_1, password="wrong")
    assert sign_in(client, level_1).status_code == 429
    time_machine.move_to("2026-11-22 09:31:00Z")
    assert sign_in(client, level_1).status_code == 302


def test_helpdesk_sees_the_locked_account_and_unlocks_it(client, level_1, helpdesk):
    for _ in range(3):
        sign_in(client, level_1, password="wrong")
    staff = client.__class__()
    sign_in(staff, helpdesk)
    listing = staff.get(reverse("accounts:locked_accounts")).content.decode()
    assert level_1.email in listing
    assert level_1.user_id in listing

    response = staff.post(reverse("accounts:unlock_account", args=[level_1.user_id]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=level_1.email).exists()
    assert sign_in(client, level_1).status_code == 302
    unlock = AuditEvent.objects.get(verb=Verb.ACCOUNT_UNLOCKED)
    assert (unlock.actor, unlock.sponsor) == (helpdesk, level_1.sponsor)


@pytest.mark.parametrize("user_fixture", ["caseworker", "level_1"])
def test_only_helpdesk_and_administrators_may_unlock(client, request, user_fixture, level_2):
    user = request.getfixturevalue(user_fixture)
    sign_in(client, user)
    assert client.get(reverse("accounts:locked_accounts")).status_code == 403
    assert client.post(reverse("accounts:unlock_account", args=[level_2.user_id])).status_code == 403


def test_sign_out_needs_post_and_is_audited(client, level_1):
    sign_in(client, level_1)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.url == reverse("accounts:signed_out")
    assert AuditEvent.objects.filter(verb=Verb.SIGNED_OUT, actor=level_1).exists()
    assert client.get(reverse("portal:sponsor_home")).status_code == 302


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("portal:sponsor_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_next_parameter_cannot_send_people_to_another_site(client, level_1):
    response = client.post(
        reverse("accounts:sign_in") + "?next=https://evil.example/",
        {"email": level_1.email, "password": "Tricky-Harbour-2026", "next": "https://evil.example/"},
    )
    assert response.url == "/"


def test_deactivated_user_cannot_sign_in(client, level_1):
    level_1.is_active = False
    level_1.save(update_fields=["is_active"])
    assert sign_in(client, level_1).status_code == 200
