"""Sponsor users: Level 2 users, the last Level 1 user, additional Level 1 requests, access reviews."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from sms.accounts.models import User
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.licensing.models import AccessReview, LicenceRoute, Rating, SponsorRequest
from sms.licensing.services import licence as licence_services
from sms.licensing.services import requests as request_services
from sms.licensing.services import users as services
from tests.factories import make_sponsor_user


def test_level_1_adds_a_level_2_user_who_gets_an_activation_link(sponsor, level_1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        added = services.level_2_user_add(
            sponsor=sponsor, actor=level_1, email="Sam@Acme.example", given_name="Sam", family_name="Lee"
        )
    assert (added.level, added.sponsor, added.created_by, added.email) == (
        User.Level.LEVEL_2,
        sponsor,
        level_1,
        "sam@acme.example",
    )
    assert "/activate/" in mail.outbox[-1].body


def test_level_2_details_can_be_corrected_but_not_to_a_taken_email(sponsor, level_1, level_2):
    services.sponsor_user_edit(
        user=level_2, actor=level_1, given_name="Test", family_name="Baker-Smith", email=level_2.email
    )
    level_2.refresh_from_db()
    assert level_2.family_name == "Baker-Smith"
    assert AuditEvent.objects.get(verb=Verb.USER_DETAILS_CHANGED).payload == {
        "family_name": {"from": "L2", "to": "Baker-Smith"}
    }
    with pytest.raises(DomainError, match="already exists"):
        services.sponsor_user_edit(user=level_2, actor=level_1, given_name="T", family_name="B", email=level_1.email)


def test_the_last_level_1_user_can_never_be_deactivated(sponsor, level_1, level_2):
    other_level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="second@acme.example")
    services.sponsor_user_deactivate(user=other_level_1, actor=level_1)
    with pytest.raises(DomainError, match="your own account"):
        services.sponsor_user_deactivate(user=level_1, actor=level_1)
    third = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="third@acme.example")
    services.sponsor_user_deactivate(user=level_1, actor=third)
    level_1.refresh_from_db()
    assert not level_1.is_active
    # Only "third" is left, and only a Level 1 user may deactivate anyone.
    with pytest.raises(PermissionDenied):
        services.sponsor_user_deactivate(user=third, actor=level_2)


def test_a_level_2_user_can_be_deactivated_and_then_cannot_sign_in(client, sponsor, level_1, level_2):
    services.sponsor_user_deactivate(user=level_2, actor=level_1)
    response = client.post("/sign-in/", {"email": level_2.email, "password": "Tricky-Harbour-2026"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(verb=Verb.USER_DEACTIVATED, actor=level_1).exists()


def test_additional_level_1_is_approved_at_once_for_an_active_a_rated_licence(sponsor, level_1, settings):
    settings.ADDITIONAL_LEVEL_1_AUTO_APPROVE = True
    request = services.additional_level_1_request_submit(
        sponsor=sponsor, actor=level_1, email="new.l1@acme.example", given_name="New", family_name="One"
    )
    assert request.status == SponsorRequest.Status.GRANTED
    created = User.objects.get(email="new.l1@acme.example")
    assert (created.level, created.sponsor, created.created_by) == (User.Level.LEVEL_1, sponsor, level_1)


@pytest.mark.parametrize("reason", ["setting_off", "b_rated", "suspended"])
def test_otherwise_the_home_office_decides(sponsor, level_1, caseworker, compliance_officer, settings, reason):
    settings.ADDITIONAL_LEVEL_1_AUTO_APPROVE = reason != "setting_off"
    if reason == "b_rated":
        LicenceRoute.objects.filter(licence=sponsor.licence).update(rating=Rating.B)
    if reason == "suspended":
        licence_services.licence_suspend(licence=sponsor.licence, actor=compliance_officer, reason="Investigation")
    request = services.additional_level_1_request_submit(
        sponsor=sponsor, actor=level_1, email="new.l1@acme.example", given_name="New", family_name="One"
    )
    assert request.status == SponsorRequest.Status.SUBMITTED
    assert not User.objects.filter(email="new.l1@acme.example").exists()
    request_services.request_grant(request=request, actor=caseworker, reason="Checked")
    assert User.objects.get(email="new.l1@acme.example").level == User.Level.LEVEL_1


def test_an_access_review_is_recorded_and_audited(sponsor, level_1, level_2):
    review = services.access_review_complete(sponsor=sponsor, actor=level_1, notes="All current")
    assert review.users_reviewed == 2
    assert AccessReview.objects.filter(sponsor=sponsor).count() == 1
    assert AuditEvent.objects.filter(verb=Verb.ACCESS_REVIEW_COMPLETED, actor=level_1).exists()
