"""The helpdesk's find-a-user page: deactivate, resend an activation link (domain.md section 6)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sms.accounts import services
from sms.accounts.models import User
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_the_helpdesk_deactivates_a_user_audited(helpdesk, level_2):
    services.account_deactivate(actor=helpdesk, user=level_2)
    level_2.refresh_from_db()
    assert not level_2.is_active
    event = AuditEvent.objects.get(verb=Verb.USER_DEACTIVATED, target_id=str(level_2.pk))
    assert event.actor == helpdesk
    assert event.sponsor_id == level_2.sponsor_id


def test_the_last_level_1_user_stays(helpdesk, level_1):
    with pytest.raises(DomainError, match="last Level 1 user"):
        services.account_deactivate(actor=helpdesk, user=level_1)


def test_a_caseworker_cannot_deactivate(caseworker, level_2):
    with pytest.raises(PermissionDenied):
        services.account_deactivate(actor=caseworker, user=level_2)


def test_the_helpdesk_resends_an_activation_link(helpdesk, sponsor):
    waiting = services.user_create(
        email="new@acme.example",
        given_name="New",
        family_name="Person",
        created_by=None,
        sponsor=sponsor,
        level="level_2",
    )
    services.account_activation_resend(actor=helpdesk, user=waiting)
    assert OutboundEmail.objects.filter(to=waiting.email).count() == 2
    assert AuditEvent.objects.filter(verb=Verb.ACTIVATION_LINK_SENT, actor=helpdesk).exists()


def test_an_activated_user_gets_no_activation_link(helpdesk, level_2):
    with pytest.raises(DomainError, match="already activated"):
        services.account_activation_resend(actor=helpdesk, user=level_2)


def test_the_find_a_user_page_offers_what_fits_the_account(client, helpdesk, sponsor, level_2):
    waiting = services.user_create(
        email="new@acme.example",
        given_name="New",
        family_name="Person",
        created_by=None,
        sponsor=sponsor,
        level="level_2",
    )
    client.force_login(helpdesk)
    page = client.get(reverse("accounts:locked_accounts"), {"q": waiting.user_id}).content.decode()
    assert "Resend activation link" in page
    assert "Deactivate account" in page
    page = client.get(reverse("accounts:locked_accounts"), {"q": level_2.email}).content.decode()
    assert "Resend activation link" not in page
    response = client.post(reverse("accounts:deactivate_account", kwargs={"user_id": level_2.user_id}), follow=True)
    page = response.content.decode()
    assert f"{level_2.email} can no longer sign in" in page
    assert "Reactivate account" in page
    assert "Deactivate account" not in page
    assert not User.objects.get(pk=level_2.pk).is_active


def test_the_page_explains_a_refusal(client, helpdesk, level_1):
    client.force_login(helpdesk)
    response = client.post(reverse("accounts:deactivate_account", kwargs={"user_id": level_1.user_id}), follow=True)
    assert "last Level 1 user" in response.content.decode()
    assert User.objects.get(pk=level_1.pk).is_active
