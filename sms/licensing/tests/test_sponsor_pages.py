"""Sponsor pages: licence summary, users, key personnel, organisation, renewal, changes; Level 2 limits."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.audit import services as audit
from sms.licensing.models import KeyPerson, Licence, ReportableChange, Route, SponsorRequest
from sms.licensing.selectors import request_queue
from sms.licensing.services import requests as request_services
from sms.notifications.models import Notice
from sms.payments.tests.sandbox import sandbox_choose

PERSON = {"declared_uk_based": "on", "declared_no_unspent_convictions": "on", "declared_not_bankrupt": "on"}


@pytest.fixture
def l1_client(client, level_1):
    sign_in(client, level_1)
    return client


def test_licence_summary_shows_number_status_routes_dates_people_and_requests(l1_client, level_1, level_2):
    licence = level_1.sponsor.licence
    request_services.variation_request_submit(
        sponsor=level_1.sponsor, actor=level_1, kind=SponsorRequest.Kind.LINKED_ENTITIES, details="New branch"
    )
    page = l1_client.get(reverse("portal:licence_summary")).content.decode()
    for text in (
        licence.number,
        "Active",
        "Skilled Worker",
        "A-rating",
        "Authorising Officer",
        "Key Contact",
        "None yet.",
    ):
        assert text in page
    assert f"{licence.expiry_date:%-d %B %Y}" in page
    assert "Add or remove linked entities or branches" in page
    assert "2 active users" in page


def test_licence_summary_query_count_is_fixed(client, level_1, django_assert_max_num_queries):
    sign_in(client, level_1)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("portal:licence_summary"))
    for n in range(15):
        request_services.variation_request_submit(
            sponsor=level_1.sponsor, actor=level_1, kind=SponsorRequest.Kind.LINKED_ENTITIES, details=f"Branch {n}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:licence_summary"))


def test_level_1_adds_a_level_2_user(l1_client, level_1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = l1_client.post(
            reverse("licensing:add_level_2"), {"given_name": "Sam", "family_name": "Lee", "email": "sam@acme.example"}
        )
    assert response.url == reverse("licensing:access_register")
    added = User.objects.get(email="sam@acme.example")
    assert (added.level, added.sponsor, added.created_by) == (User.Level.LEVEL_2, level_1.sponsor, level_1)
    register = l1_client.get(response.url).content.decode()
    assert "sam@acme.example" in register
    assert "Not activated" in register


def test_adding_a_user_with_a_taken_email_is_refused_with_a_message(l1_client, level_2):
    content = l1_client.post(
        reverse("licensing:add_level_2"), {"given_name": "X", "family_name": "Y", "email": level_2.email}
    ).content.decode()
    assert "is already a user of your organisation" in content


def test_level_1_edits_and_deactivates_a_level_2_user(l1_client, level_2):
    l1_client.post(
        reverse("licensing:edit_user", args=[level_2.user_id]),
        {"given_name": "Thomas", "family_name": "Baker", "email": level_2.email},
    )
    level_2.refresh_from_db()
    assert level_2.given_name == "Thomas"
    assert (
        "Deactivate Thomas Baker?"
        in l1_client.get(reverse("licensing:deactivate_user", args=[level_2.user_id])).content.decode()
    )
    l1_client.post(reverse("licensing:deactivate_user", args=[level_2.user_id]))
    level_2.refresh_from_db()
    assert not level_2.is_active


def test_the_last_level_1_user_cannot_be_deactivated_through_the_page(client, sponsor, level_1):
    second = User.objects.create_user(
        "second@acme.example", "Another-Long-Pass-1", kind="sponsor", sponsor=sponsor, level="level_1"
    )
    sign_in(client, second, password="Another-Long-Pass-1")
    client.post(reverse("licensing:deactivate_user", args=[level_1.user_id]))
    response = client.post(reverse("licensing:deactivate_user", args=[second.user_id]))
    assert response.status_code == 409
    assert "You cannot deactivate your own account" in response.content.decode()


def test_access_register_flags_level_1_users_absent_for_twelve_months(l1_client, sponsor):
    stale = User.objects.create_user("old@acme.example", kind="sponsor", sponsor=sponsor, level="level_1")
    User.objects.filter(pk=stale.pk).update(last_login=timezone.now() - timedelta(days=400))
    page = l1_client.get(reverse("licensing:access_register")).content.decode()
    assert "Not signed in for 12 months" in page


def test_access_review_is_recorded(l1_client, level_1):
    assert (
        "Confirm that you have checked every user"
        in l1_client.post(reverse("licensing:access_review"), {}).content.decode()
    )
    l1_client.post(reverse("licensing:access_review"), {"confirmed": "on", "notes": "Q4 done"})
    assert "Q4 done" in l1_client.get(reverse("licensing:access_register")).content.decode()


def test_level_1_requests_an_additional_level_1_user(l1_client, level_1, settings):
    settings.ADDITIONAL_LEVEL_1_AUTO_APPROVE = False
    l1_client.post(
        reverse("licensing:request_level_1"), {"given_name": "Nia", "family_name": "Roy", "email": "nia@acme.example"}
    )
    request = SponsorRequest.objects.get(kind=SponsorRequest.Kind.ADDITIONAL_LEVEL_1)
    assert request.status == SponsorRequest.Status.SUBMITTED
    assert "Additional Level 1 user" in l1_client.get(reverse("portal:licence_summary")).content.decode()


def test_level_1_replaces_the_key_contact_and_the_change_is_recorded(l1_client, level_1):
    day = timezone.localdate()
    response = l1_client.post(
        reverse("licensing:replace_key_person", args=["key-contact"]),
        {
            "given_name": "Nadia",
            "family_name": "Ali",
            "email": "nadia@acme.example",
            "effective_date": f"{day:%d/%m/%Y}",
            **PERSON,
        },
    )
    assert response.url == reverse("portal:licence_summary")
    assert (
        KeyPerson.objects.get(sponsor=level_1.sponsor, role="key_contact", end_date__isnull=True).given_name == "Nadia"
    )
    change = ReportableChange.objects.get(sponsor=level_1.sponsor)
    assert (change.event, change.effective_date) == (ReportableChange.Event.KEY_PERSONNEL_CHANGE, day)


def test_a_change_dated_before_the_current_appointment_is_refused(l1_client):
    day = timezone.localdate() - timedelta(days=2)
    content = l1_client.post(
        reverse("licensing:replace_key_person", args=["key-contact"]),
        {
            "given_name": "N",
            "family_name": "A",
            "email": "n@acme.example",
            "effective_date": f"{day:%d/%m/%Y}",
            **PERSON,
        },
    ).content.decode()
    assert "The date the change takes effect must be on or after" in content


def test_a_future_effective_date_is_refused(l1_client):
    day = timezone.localdate() + timedelta(days=2)
    content = l1_client.post(
        reverse("licensing:replace_key_person", args=["authorising-officer"]),
        {
            "given_name": "N",
            "family_name": "A",
            "email": "n@acme.example",
            "effective_date": f"{day:%d/%m/%Y}",
            **PERSON,
        },
    ).content.decode()
    assert "The date the change took effect must be today or in the past" in content


def test_the_authorising_officer_form_does_not_offer_representatives(l1_client):
    page = l1_client.get(reverse("licensing:replace_key_person", args=["authorising-officer"])).content.decode()
    assert "is_representative" not in page
    assert (
        "is_representative"
        in l1_client.get(reverse("licensing:replace_key_person", args=["key-contact"])).content.decode()
    )


def test_unknown_key_person_role_is_not_found(l1_client):
    assert l1_client.get(reverse("licensing:replace_key_person", args=["level-1"])).status_code == 404


def test_organisation_change_records_reportable_changes(l1_client, level_1):
    today = timezone.localdate()
    l1_client.post(
        reverse("licensing:change_organisation"),
        {
            "name": "Acme Care Group",
            "registered_address": level_1.sponsor.registered_address,
            "trading_address": "",
            "effective_date": f"{today:%d/%m/%Y}",
        },
    )
    assert ReportableChange.objects.filter(sponsor=level_1.sponsor, event=ReportableChange.Event.NAME_CHANGE).exists()


def test_work_sites_can_be_added_and_closed(l1_client, level_1):
    l1_client.post(reverse("licensing:add_work_site"), {"address": "Ward 9, Leeds General", "opened_on": "01/06/2026"})
    site = level_1.sponsor.work_sites.get()
    l1_client.post(reverse("licensing:close_work_site", args=[site.uuid]), {"closed_on": "01/09/2026"})
    site.refresh_from_db()
    assert site.closed_on is not None


def test_renewal_page_shows_the_fee_and_sends_the_application_once_paid(l1_client, level_1):
    Licence.objects.filter(sponsor=level_1.sponsor).update(expiry_date=timezone.localdate() + timedelta(days=40))
    page = l1_client.get(reverse("licensing:renew")).content.decode()
    assert "£1,579" in page
    response = l1_client.post(reverse("licensing:renew"), {"declaration": "on"})
    renewal = SponsorRequest.objects.get(kind=SponsorRequest.Kind.RENEWAL)
    assert renewal.status == SponsorRequest.Status.AWAITING_PAYMENT
    assert renewal.reference not in [request.reference for request in request_queue()]

    back = sandbox_choose(l1_client, response, "pay")

    assert back.url == reverse("licensing:request_detail", args=[renewal.reference])
    renewal.refresh_from_db()
    assert renewal.status == SponsorRequest.Status.SUBMITTED
    assert renewal.reference in [request.reference for request in request_queue()]
    detail = l1_client.get(back.url).content.decode()
    assert f"Payment received: £1,579, reference {renewal.payment_reference}" in detail
    assert f"paid on {renewal.paid_at:%-d %B %Y} (payment {renewal.payment_reference})" in detail
    assert Notice.objects.filter(sponsor=level_1.sponsor, subject__contains="fee received").exists()


@pytest.mark.parametrize(("choice", "shown"), [("decline", "payment failed"), ("cancel", "payment cancelled")])
def test_a_renewal_whose_payment_did_not_complete_waits_and_can_be_paid_again(l1_client, level_1, choice, shown):
    Licence.objects.filter(sponsor=level_1.sponsor).update(expiry_date=timezone.localdate() + timedelta(days=40))
    back = sandbox_choose(l1_client, l1_client.post(reverse("licensing:renew"), {"declaration": "on"}), choice)
    renewal = SponsorRequest.objects.get(kind=SponsorRequest.Kind.RENEWAL)
    detail = l1_client.get(back.url).content.decode()
    assert f"Your payment was not completed ({shown})" in detail
    assert "Waiting for payment" in detail
    assert "£1,579: not paid" in detail
    renewal.refresh_from_db()
    assert renewal.status == SponsorRequest.Status.AWAITING_PAYMENT
    assert not renewal.payment_reference

    pay = l1_client.post(reverse("licensing:request_pay", args=[renewal.reference]))
    sandbox_choose(l1_client, pay, "pay")
    renewal.refresh_from_db()
    assert renewal.status == SponsorRequest.Status.SUBMITTED
    # Paid: there is nothing more to pay, and a second attempt is refused.
    again = l1_client.post(reverse("licensing:request_pay", args=[renewal.reference]), follow=True)
    assert "This request has no fee waiting to be paid" in again.content.decode()


def test_a_level_2_user_sees_the_renewal_waiting_for_payment_but_cannot_pay(client, level_1, level_2):
    Licence.objects.filter(sponsor=level_1.sponsor).update(expiry_date=timezone.localdate() + timedelta(days=40))
    level_1.sponsor.licence.refresh_from_db()
    renewal = request_services.renewal_request_submit(
        sponsor=level_1.sponsor, actor=level_1, declaration_confirmed=True
    )
    sign_in(client, level_2)
    detail = client.get(reverse("licensing:request_detail", args=[renewal.reference])).content.decode()
    assert "A Level 1 user pays the fee" in detail
    assert reverse("licensing:request_pay", args=[renewal.reference]) not in detail
    assert client.post(reverse("licensing:request_pay", args=[renewal.reference])).status_code == 403


def test_renewal_outside_the_window_says_when_it_opens(l1_client, level_1):
    content = l1_client.post(reverse("licensing:renew"), {"declaration": "on"}).content.decode()
    assert "You can apply to renew from" in content


def test_variation_with_evidence_and_its_status_page(l1_client, level_1):
    response = l1_client.post(
        reverse("licensing:request_change"),
        {
            "kind": SponsorRequest.Kind.ADD_ROUTE,
            "route": Route.SCALE_UP,
            "details": "We qualify as a scale-up",
            "documents": SimpleUploadedFile("growth.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    request = SponsorRequest.objects.get()
    assert response.url == reverse("licensing:request_detail", args=[request.reference])
    page = l1_client.get(response.url).content.decode()
    assert "Awaiting decision" in page
    assert "growth.pdf" in page
    document = request.documents.get()
    download = l1_client.get(reverse("licensing:request_document", args=[request.reference, document.uuid]))
    assert download.status_code == 200
    l1_client.post(reverse("licensing:request_withdraw", args=[request.reference]))
    request.refresh_from_db()
    assert request.status == SponsorRequest.Status.WITHDRAWN


def test_a_route_variation_without_a_route_names_the_field(l1_client):
    content = l1_client.post(
        reverse("licensing:request_change"), {"kind": SponsorRequest.Kind.ADD_ROUTE, "details": "x"}
    ).content.decode()
    assert "Select the route to add or remove" in content


LEVEL_1_ONLY = [
    ("licensing:add_level_2", {}),
    ("licensing:request_level_1", {}),
    ("licensing:access_review", {}),
    ("licensing:replace_key_person", {"role": "key-contact"}),
    ("licensing:change_organisation", {}),
    ("licensing:add_work_site", {}),
    ("licensing:renew", {}),
    ("licensing:request_change", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), LEVEL_1_ONLY)
def test_level_2_users_cannot_reach_level_1_actions(client, level_2, name, kwargs):
    sign_in(client, level_2)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    assert client.post(reverse(name, kwargs=kwargs), {}).status_code == 403


def test_level_2_users_can_read_the_licence_and_access_register(client, level_2):
    sign_in(client, level_2)
    assert client.get(reverse("portal:licence_summary")).status_code == 200
    page = client.get(reverse("licensing:access_register")).content.decode()
    assert "Add a Level 2 user" not in page
    assert "/deactivate/" not in page
    assert "/reactivate/" not in page
    assert "Resend activation link" not in page


def test_level_2_cannot_edit_or_deactivate_users(client, level_1, level_2):
    sign_in(client, level_2)
    assert client.get(reverse("licensing:deactivate_user", args=[level_1.user_id])).status_code == 403
    assert client.post(reverse("licensing:edit_user", args=[level_1.user_id]), {}).status_code == 403


def test_page_actions_are_audited(l1_client, level_1):
    before = audit.AuditEvent.objects.count()
    l1_client.post(reverse("licensing:access_review"), {"confirmed": "on"})
    assert audit.AuditEvent.objects.count() > before


def test_the_access_register_tells_each_level_who_reviews_access(client, level_1, level_2):
    """A Level 2 user cannot record the quarterly review: the page says who does, not "Check"."""
    sign_in(client, level_2)
    page = client.get(reverse("licensing:access_register")).content.decode()
    assert "A Level 1 user checks every quarter" in page
    assert "Complete the access review" not in page
    client.post(reverse("accounts:sign_out"))
    sign_in(client, level_1)
    page = client.get(reverse("licensing:access_register")).content.decode()
    assert "Check every quarter" in page
    assert "Complete the access review" in page
