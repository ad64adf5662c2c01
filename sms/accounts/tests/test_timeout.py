"""Inactivity timeout: signed out after 20 minutes idle; any request (or "Stay signed in") resets it."""

from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb


def test_a_request_after_twenty_minutes_idle_signs_the_person_out(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z")
    sign_in(client, level_1)
    time_machine.move_to("2026-11-22 09:20:01Z")
    response = client.get(reverse("portal:sponsor_home"))
    assert response.url == reverse("accounts:sign_in") + "?timeout=1"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(verb=Verb.SIGNED_OUT_INACTIVE, actor=level_1).exists()
    assert not AuditEvent.objects.filter(verb=Verb.SIGNED_OUT, actor=level_1).exists()
    page = client.get(response.url).content.decode()
    assert "You were signed out because you did nothing for 20 minutes" in page


def test_activity_within_the_limit_keeps_the_person_signed_in(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z")
    sign_in(client, level_1)
    for minute in (19, 38, 57):
        time_machine.move_to(f"2026-11-22 09:{minute:02d}:00Z")
        assert client.get(reverse("portal:sponsor_home")).status_code == 200


def test_stay_signed_in_resets_the_clock(client, level_1, time_machine):
    time_machine.move_to("2026-11-22 09:00:00Z")
    sign_in(client, level_1)
    time_machine.move_to("2026-11-22 09:18:30Z")
    extended = client.post(reverse("accounts:extend_session"))
    assert extended.json() == {"timeout_seconds": 1200}
    time_machine.move_to("2026-11-22 09:37:00Z")
    assert client.get(reverse("portal:sponsor_home")).status_code == 200


def test_the_timeout_is_configurable(client, level_1, time_machine, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    time_machine.move_to("2026-11-22 09:00:00Z")
    sign_in(client, level_1)
    time_machine.move_to("2026-11-22 09:01:30Z")
    assert client.get(reverse("portal:sponsor_home")).status_code == 302


def test_pages_carry_the_timeout_warning_with_its_timings(client, level_1, settings):
    settings.SESSION_TIMEOUT_WARNING = 120
    sign_in(client, level_1)
    page = client.get(reverse("portal:sponsor_home")).content.decode()
    assert 'data-timeout-seconds="1200"' in page
    assert 'data-warning-seconds="120"' in page
    assert "You&#x27;re about to be signed out" in page or "You're about to be signed out" in page


def test_the_warning_signs_out_with_the_reason_recorded(client, level_1):
    sign_in(client, level_1)
    response = client.post(reverse("accounts:sign_out"), {"reason": "timeout"})
    assert response.url == reverse("accounts:signed_out") + "?timeout=1"
    assert AuditEvent.objects.filter(verb=Verb.SIGNED_OUT_INACTIVE, actor=level_1).exists()
