"""What sign-in and account pages say: errors in the GOV.UK error summary only, one message for a
locked account, a password reset that unlocks, and one audit event per lockout."""

import re

from django.core import mail
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from tests.factories import PASSWORD

NEW_PASSWORD = "Quiet-Lantern-4419"


def error_summary(content: str) -> str:
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', content, re.S)
    return found.group(0) if found else ""


def test_a_wrong_password_is_shown_in_the_error_summary_only(client, level_1):
    content = sign_in(client, level_1, password="wrong").content.decode()
    assert "Enter a correct email address and password" in error_summary(content)
    assert content.count("Enter a correct email address and password") == 1
    assert "alert-danger" not in content
    assert "errorlist" not in content


def test_a_service_refusal_on_a_form_page_is_shown_in_the_error_summary_only(client, level_1, level_2):
    sign_in(client, level_1)
    response = client.post(
        reverse("licensing:add_level_2"),
        {"given_name": "Dup", "family_name": "Licate", "email": level_2.email},
    )
    content = response.content.decode()
    assert "is already a user of your organisation" in error_summary(content)
    assert content.count("is already a user of your organisation") == 1
    assert "alert-danger" not in content


def test_a_locked_account_shows_the_lock_message_alone(client, level_1):
    for _ in range(3):
        sign_in(client, level_1, password="wrong")
    response = sign_in(client, level_1)
    content = response.content.decode()
    assert response.status_code == 429
    assert "Your account is locked" in content
    assert "Enter a correct email address and password" not in content
    assert "govuk-error-summary" not in content
    assert f'value="{level_1.email}"' in content


def test_one_lockout_is_one_audit_event(client, level_1):
    for _ in range(3):
        sign_in(client, level_1, password="wrong")
    sign_in(client, level_1)
    sign_in(client, level_1, password="wrong")
    assert AuditEvent.objects.filter(verb=Verb.ACCOUNT_LOCKED).count() == 1
    # Every attempt is still on the trail, once each: three to lock, two while locked.
    assert AuditEvent.objects.filter(verb=Verb.SIGN_IN_FAILED).count() == 5


def test_a_completed_password_reset_unlocks_the_account_and_says_so(
    client, level_1, django_capture_on_commit_callbacks
):
    for _ in range(3):
        sign_in(client, level_1, password="wrong")
    assert sign_in(client, level_1).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": level_1.email})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    done = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, follow=True)
    content = done.content.decode()
    assert "Resetting your password has unlocked it" in content
    assert "security code" in content
    assert AuditEvent.objects.get(verb=Verb.PASSWORD_RESET).payload == {"account_unlocked": True}
    assert sign_in(client, level_1, password=NEW_PASSWORD).status_code == 302


def test_a_reset_of_an_account_that_was_not_locked_does_not_mention_a_lock(
    client, level_1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": level_1.email})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    done = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, follow=True)
    assert "unlocked" not in done.content.decode()
    assert sign_in(client, level_1, password=PASSWORD).status_code == 200
