"""Reactivating users, resending activation links, and the access register's statuses and counts."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.licensing.services import users as services
from tests.factories import PASSWORD, make_sponsor_user

NEW_PASSWORD = "Quiet-Lantern-4419"


@pytest.fixture
def deactivated_level_2(level_1, level_2):
    services.sponsor_user_deactivate(user=level_2, actor=level_1)
    level_2.refresh_from_db()
    return level_2


@pytest.fixture
def waiting_user(sponsor, level_1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.level_2_user_add(
            sponsor=sponsor, actor=level_1, email="new@acme.example", given_name="Nia", family_name="New"
        )


def test_a_level_1_user_reactivates_a_deactivated_level_2_user_who_is_emailed(
    client, level_1, deactivated_level_2, django_capture_on_commit_callbacks
):
    sign_in(client, level_1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("licensing:reactivate_user", args=[deactivated_level_2.user_id]))
    assert response.url == reverse("licensing:access_register")
    deactivated_level_2.refresh_from_db()
    assert deactivated_level_2.is_active
    event = AuditEvent.objects.get(verb=Verb.USER_REACTIVATED)
    assert (event.actor, event.sponsor, event.target_id) == (level_1, level_1.sponsor, str(deactivated_level_2.pk))
    assert mail.outbox[-1].to == [deactivated_level_2.email]
    assert mail.outbox[-1].subject.endswith("account has been reactivated")
    assert sign_in(client.__class__(), deactivated_level_2).status_code == 302


def test_a_level_1_user_cannot_reactivate_a_level_1_user(sponsor, level_1):
    other = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="second@acme.example")
    services.sponsor_user_deactivate(user=other, actor=level_1)
    with pytest.raises(DomainError, match="Home Office sponsorship helpdesk"):
        services.sponsor_user_reactivate(user=other, actor=level_1)


def test_the_helpdesk_finds_and_reactivates_a_deactivated_account(
    client, helpdesk, deactivated_level_2, django_capture_on_commit_callbacks
):
    sign_in(client, helpdesk)
    found = client.get(reverse("accounts:locked_accounts"), {"q": deactivated_level_2.email}).content.decode()
    assert deactivated_level_2.user_id in found
    assert "Deactivated" in found
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:reactivate_account", args=[deactivated_level_2.user_id]))
    assert response.status_code == 302
    deactivated_level_2.refresh_from_db()
    assert deactivated_level_2.is_active
    assert AuditEvent.objects.get(verb=Verb.USER_REACTIVATED).actor == helpdesk


def test_an_active_account_cannot_be_reactivated(level_1, level_2):
    with pytest.raises(DomainError, match="already active"):
        services.sponsor_user_reactivate(user=level_2, actor=level_1)


def test_a_level_1_user_resends_an_activation_link_and_the_old_one_stops_working(
    client, level_1, waiting_user, django_capture_on_commit_callbacks
):
    old_link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    sign_in(client, level_1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("licensing:resend_activation", args=[waiting_user.user_id]))
    assert response.url == reverse("licensing:access_register")
    new_link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].to == [waiting_user.email]
    assert AuditEvent.objects.filter(verb=Verb.ACTIVATION_LINK_SENT, actor=level_1).count() == 2
    anonymous = client.__class__()
    assert anonymous.get(old_link).status_code == 404
    done = anonymous.post(new_link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.url == reverse("accounts:activation_done")


def test_no_activation_link_for_someone_already_activated(level_1, level_2):
    with pytest.raises(DomainError, match="already activated"):
        services.sponsor_user_activation_resend(user=level_2, actor=level_1)


def test_the_register_shows_and_counts_locked_and_not_activated_users(
    client, sponsor, level_1, level_2, waiting_user, deactivated_level_2
):
    locked = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="locked@acme.example")
    for _ in range(3):
        sign_in(client.__class__(), locked, password="wrong")
    sign_in(client, level_1, password=PASSWORD)
    response = client.get(reverse("licensing:access_register"))
    counts = response.context["status_counts"]
    assert counts == {"Active": 1, "Locked": 1, "Not activated": 1, "Deactivated": 1}
    content = response.content.decode()
    assert 'govuk-tag--red">Locked' in content
    assert "Not activated" in content
    assert reverse("licensing:resend_activation", args=[waiting_user.user_id]) in content
    assert reverse("licensing:reactivate_user", args=[deactivated_level_2.user_id]) in content
