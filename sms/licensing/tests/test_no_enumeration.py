"""A Level 1 user adding a Level 2 user, or asking for an additional Level 1 user, learns nothing
about accounts outside their sponsor: an address with an account elsewhere (another sponsor's
user, Home Office staff) gets the words a new address gets. No account is made for it; its owner
is told by email and the Home Office trail records it (docs/decisions.md, "No account enumeration").
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.core.emails import canonical_email
from sms.licensing.models import SponsorRequest
from sms.licensing.services import requests as request_services
from sms.licensing.services import users as services

NEW_ADDRESS = "new.person@acme.example"


@pytest.fixture
def l1_client(client, level_1):
    sign_in(client, level_1)
    return client


def _answer(client, url_name, email, capture):
    """Post the form and follow it: (where it went, the page's messages with the address taken out)."""
    with capture(execute=True):
        response = client.post(
            reverse(url_name), {"given_name": "Pat", "family_name": "Doe", "email": email}, follow=True
        )
    shown = [
        re.sub(r"\bR[0-9A-Z]{9}\b", "REFERENCE", str(message).replace(canonical_email(email), "ADDRESS"))
        for message in response.context["messages"]
    ]
    return response.redirect_chain, shown


@pytest.mark.parametrize("holder", ["other_level_1", "caseworker"])
@pytest.mark.parametrize("url_name", ["licensing:add_level_2", "licensing:request_level_1"])
def test_an_address_with_an_account_elsewhere_gets_the_answer_a_new_address_gets(
    request, l1_client, sponsor, url_name, holder, settings, django_capture_on_commit_callbacks
):
    settings.ADDITIONAL_LEVEL_1_AUTO_APPROVE = True
    existing = request.getfixturevalue(holder)
    new = _answer(l1_client, url_name, NEW_ADDRESS, django_capture_on_commit_callbacks)
    taken = _answer(l1_client, url_name, existing.email.upper(), django_capture_on_commit_callbacks)
    assert new == taken
    assert new[0] == [(reverse("licensing:access_register"), 302)]
    assert len(new[1]) == 1

    # Nothing was made or changed for the address in use; its owner was told, on the Home Office trail.
    existing.refresh_from_db()
    assert User.objects.filter(email=existing.email).count() == 1
    notice = mail.outbox[-1]
    assert notice.to == [existing.email]
    assert sponsor.name in notice.body
    assert "no new account was made" in notice.body
    event = AuditEvent.objects.get(verb=Verb.USER_NOT_ADDED_ADDRESS_IN_USE)
    assert event.sponsor is None
    assert not AuditEvent.objects.filter(
        sponsor=sponsor, target_type="accounts.user", target_id=str(existing.pk)
    ).exists()


def test_the_sponsors_own_user_is_named(l1_client, level_2):
    for url_name in ("licensing:add_level_2", "licensing:request_level_1"):
        content = l1_client.post(
            reverse(url_name), {"given_name": "Pat", "family_name": "Doe", "email": level_2.email}
        ).content.decode()
        assert "is already a user of your organisation" in content


def test_a_caseworker_grant_for_an_address_in_use_elsewhere_makes_no_account(
    sponsor, level_1, other_level_1, caseworker, settings, django_capture_on_commit_callbacks
):
    settings.ADDITIONAL_LEVEL_1_AUTO_APPROVE = False
    submitted = services.additional_level_1_request_submit(
        sponsor=sponsor, actor=level_1, email=other_level_1.email, given_name="Pat", family_name="Doe"
    )
    assert submitted.status == SponsorRequest.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        granted = request_services.request_grant(request=submitted, actor=caseworker, reason="Checked")
    assert granted.status == SponsorRequest.Status.GRANTED
    other_level_1.refresh_from_db()
    assert (other_level_1.sponsor_id, other_level_1.level) != (sponsor.pk, User.Level.LEVEL_1)
    assert not User.objects.filter(sponsor=sponsor, email=other_level_1.email).exists()
    assert mail.outbox[-1].to == [other_level_1.email]


def test_a_level_2_user_added_with_a_new_address_still_gets_an_account(sponsor, level_1):
    added = services.level_2_user_add(
        sponsor=sponsor, actor=level_1, email=NEW_ADDRESS, given_name="Pat", family_name="Doe"
    )
    assert added.sponsor == sponsor
    assert added.level == User.Level.LEVEL_2
