"""Multi-factor authentication: enrolment with a QR code and key, recovery codes, the sign-in step."""

import base64

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sms.accounts import services
from sms.accounts.tests.helpers import current_code, sign_in
from sms.audit.models import AuditEvent, Verb


def enrol(client, user) -> list[str]:
    """Go through the set-up pages as a person with an authenticator app would."""
    page = client.get(reverse("accounts:mfa_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:mfa_setup"), {"code": current_code(device)})
    assert response.url == reverse("accounts:recovery_codes")
    return client.get(response.url).context["codes"]


def test_set_up_page_shows_a_qr_code_and_the_same_key_to_type(client, level_1):
    sign_in(client, level_1)
    page = client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(user=level_1, confirmed=False)
    content = page.content.decode()
    assert "<svg" in content
    typed_key = page.context["manual_key"].replace(" ", "")
    assert base64.b32decode(typed_key) == device.bin_key


def test_a_wrong_code_does_not_confirm_the_app(client, level_1):
    sign_in(client, level_1)
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"code": "000000"})
    assert "The security code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=level_1, confirmed=True).exists()


def test_enrolment_gives_ten_recovery_codes_shown_once_and_is_audited(client, level_1):
    sign_in(client, level_1)
    codes = enrol(client, level_1)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get(reverse("accounts:recovery_codes")).url == reverse("accounts:account")
    assert AuditEvent.objects.filter(verb=Verb.MFA_ENROLLED, actor=level_1).exists()


def test_after_enrolment_signing_in_needs_a_code_from_the_app(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z", tick=False)
    sign_in(client, level_1)
    enrol(client, level_1)
    client.post(reverse("accounts:sign_out"))

    sign_in(client, level_1)
    held = client.get(reverse("portal:sponsor_home"))
    assert held.url == reverse("accounts:mfa_verify")
    wrong = client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    assert "The security code is not right" in wrong.content.decode()
    assert AuditEvent.objects.filter(verb=Verb.MFA_FAILED, actor=level_1).exists()

    throttled = client.post(
        reverse("accounts:mfa_verify"), {"code": current_code(services.confirmed_totp_device(level_1))}
    )
    assert "You have entered a wrong code 1 time. Wait 1 second" in throttled.content.decode()

    time_machine.move_to("2026-11-22 09:01:00Z", tick=False)
    device = services.confirmed_totp_device(level_1)
    passed = client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)})
    assert passed.status_code == 302
    assert client.get(reverse("portal:sponsor_home")).status_code == 200


def test_a_recovery_code_signs_in_once(client, level_1):
    sign_in(client, level_1)
    codes = enrol(client, level_1)
    client.post(reverse("accounts:sign_out"))

    sign_in(client, level_1)
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 302
    assert [e.payload["remaining"] for e in AuditEvent.objects.filter(verb=Verb.RECOVERY_CODE_USED)] == [9]
    client.post(reverse("accounts:sign_out"))

    sign_in(client, level_1)
    reused = client.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    assert reused.status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z", tick=False)
    sign_in(client, level_1)
    old = enrol(client, level_1)
    response = client.post(reverse("accounts:recovery_codes"))
    new = client.get(response.url).context["codes"]
    assert not set(old) & set(new)
    assert services.mfa_verify(user=level_1, code=old[1]) is None
    time_machine.move_to("2026-11-22 09:01:00Z", tick=False)
    assert services.mfa_verify(user=level_1, code=new[1]) is not None


def test_when_mfa_is_required_a_person_without_an_app_must_set_one_up(client, level_1, settings):
    settings.MFA_REQUIRED = True
    sign_in(client, level_1)
    assert client.get(reverse("portal:sponsor_home")).url == reverse("accounts:mfa_setup")
    assert client.get(reverse("audit:trail")).url == reverse("accounts:mfa_setup")
    enrol(client, level_1)
    assert client.get(reverse("portal:sponsor_home")).status_code == 200


def test_mfa_is_optional_in_the_demo_settings(client, level_1, settings):
    settings.MFA_REQUIRED = False
    sign_in(client, level_1)
    assert client.get(reverse("portal:sponsor_home")).status_code == 200


def test_cannot_start_enrolment_twice(level_1):
    device = services.mfa_enrolment_start(user=level_1)
    services.mfa_enrolment_confirm(user=level_1, device=device, token=current_code(device))
    with pytest.raises(services.DomainError):
        services.mfa_enrolment_start(user=level_1)


def enrolled_and_signed_out(client, user, time_machine) -> TOTPDevice:
    """Enrol at 09:00:00 and sign out; the next sign-in starts at 09:05:00 (a fresh time step)."""
    time_machine.move_to("2026-11-22 09:00:00Z", tick=False)
    sign_in(client, user)
    enrol(client, user)
    client.post(reverse("accounts:sign_out"))
    time_machine.move_to("2026-11-22 09:05:00Z", tick=False)
    sign_in(client, user)
    return services.confirmed_totp_device(user)


def test_after_one_wrong_code_the_right_one_is_accepted_a_second_later(client, level_1, time_machine):
    device = enrolled_and_signed_out(client, level_1, time_machine)
    client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    time_machine.move_to("2026-11-22 09:05:01Z", tick=False)
    assert client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)}).status_code == 302


def test_the_wait_after_wrong_codes_is_stated_truthfully(client, level_1, time_machine):
    device = enrolled_and_signed_out(client, level_1, time_machine)
    for second in range(3):  # failures at 09:05:00, :01 and :03 (waits of 1 and 2 seconds between)
        time_machine.move_to(f"2026-11-22 09:05:0{[0, 1, 3][second]}Z", tick=False)
        client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    refused = client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)})
    assert "You have entered a wrong code 3 times. Wait 4 seconds" in refused.content.decode()
    time_machine.move_to("2026-11-22 09:05:07Z", tick=False)
    assert client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)}).status_code == 302


def test_a_code_already_used_says_so_instead_of_not_right(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z", tick=False)
    sign_in(client, level_1)
    enrol(client, level_1)
    client.post(reverse("accounts:sign_out"))
    sign_in(client, level_1)
    device = services.confirmed_totp_device(level_1)
    again = client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)}).content.decode()
    assert "This code has already been used to sign in. Wait for your app to show a new code" in again
    assert "not right" not in again


def test_a_wrong_app_code_does_not_hold_up_a_recovery_code(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z", tick=False)
    sign_in(client, level_1)
    codes = enrol(client, level_1)
    client.post(reverse("accounts:sign_out"))
    time_machine.move_to("2026-11-22 09:05:00Z", tick=False)
    sign_in(client, level_1)
    client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 302
