"""Activation and password reset links: single-use, expiring, and silent about unknown addresses."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sms.accounts import services
from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb

NEW_PASSWORD = "Quiet-Lantern-4419"


def link_in_last_email() -> str:
    return re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)


@pytest.fixture
def new_user(sponsor, level_1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.user_create(
            email="new.starter@acme.example",
            given_name="New",
            family_name="Starter",
            created_by=level_1,
            sponsor=sponsor,
            level=User.Level.LEVEL_2,
        )


def test_a_new_user_gets_an_activation_email_with_their_user_id(new_user):
    assert mail.outbox[-1].to == ["new.starter@acme.example"]
    assert new_user.user_id in mail.outbox[-1].body
    assert not new_user.has_usable_password()


def test_activation_link_sets_the_first_password_once(client, new_user):
    link = link_in_last_email()
    assert client.get(link).status_code == 200
    response = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.url == reverse("accounts:activation_done")
    new_user.refresh_from_db()
    assert new_user.activated_at is not None
    assert new_user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb=Verb.ACCOUNT_ACTIVATED, actor=new_user).exists()

    again = client.get(link)
    assert again.status_code == 404
    assert "expired or has already been used" in again.content.decode()


def test_activation_link_expires(client, new_user, time_machine, settings):
    link = link_in_last_email()
    time_machine.move_to(timezone.now() + timedelta(seconds=settings.ACCOUNT_ACTIVATION_TIMEOUT + 60))
    assert client.get(link).status_code == 404


def test_activation_form_applies_the_password_rules(client, new_user):
    link = link_in_last_email()
    content = client.post(link, {"new_password": "short", "confirm_password": "short"}).content.decode()
    assert "Password must be 12 characters or more" in content
    content = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": "different-12345"}).content.decode()
    assert "The passwords do not match" in content
    new_user.refresh_from_db()
    assert not new_user.has_usable_password()


def test_an_activation_link_cannot_be_used_to_reset_a_password(client, new_user):
    link = link_in_last_email().replace("/activate/", "/password-reset/")
    assert client.get(link).status_code == 404


def test_password_reset_sends_a_single_use_link(client, level_1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": level_1.email})
    assert response.url == reverse("accounts:password_reset_sent")
    link = link_in_last_email()
    done = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.url == reverse("accounts:password_reset_done")
    assert sign_in(client, level_1, password=NEW_PASSWORD).status_code == 302
    assert client.get(link).status_code == 404
    verbs = set(AuditEvent.objects.filter(actor=level_1).values_list("verb", flat=True))
    assert {Verb.PASSWORD_RESET_REQUESTED, Verb.PASSWORD_RESET} <= verbs


def test_password_reset_link_expires(client, level_1, time_machine, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": level_1.email})
    link = link_in_last_email()
    time_machine.move_to(timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60))
    assert client.get(link).status_code == 404


def test_password_reset_says_the_same_for_an_unknown_address(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("accounts:password_reset_sent")
    assert mail.outbox == []


def test_password_reset_rejects_a_malformed_address(client, db):
    content = client.post(reverse("accounts:password_reset"), {"email": "not-an-email"}).content.decode()
    assert "Enter an email address in the correct format" in content


def test_change_password_checks_the_current_one_and_is_audited(client, level_1):
    sign_in(client, level_1)
    wrong = client.post(
        reverse("accounts:change_password"),
        {"current_password": "nope", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert "Your current password is not right" in wrong.content.decode()
    ok = client.post(
        reverse("accounts:change_password"),
        {
            "current_password": "Tricky-Harbour-2026",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert ok.url == reverse("accounts:account")
    level_1.refresh_from_db()
    assert level_1.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb=Verb.PASSWORD_CHANGED, actor=level_1).exists()
    # Still signed in on this device.
    assert client.get(reverse("accounts:account")).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1", "Password must be 12 characters or more"),
        ("123456789012345", "Password must include letters or symbols, not only numbers"),
        ("password1234", "Password is too easy to guess"),
        ("new.starter@acme", "Password must not be like your name or email address"),
    ],
)
def test_password_rules_have_clear_messages(client, new_user, password, message):
    content = client.post(
        link_in_last_email(), {"new_password": password, "confirm_password": password}
    ).content.decode()
    assert message in content


def test_passwords_are_hashed_with_argon2(settings, level_1):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    level_1.set_password(NEW_PASSWORD)
    assert level_1.password.startswith("argon2")
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
