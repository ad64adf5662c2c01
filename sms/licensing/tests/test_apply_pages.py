"""The public application journey through its pages, and the caseworker's decision pages."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.core.models import FeeRate
from sms.licensing.models import LicenceApplication, Route
from sms.licensing.selectors import application_queue
from sms.payments.models import Payment, SandboxPayment
from sms.payments.services import payments_reconcile
from sms.payments.tests.sandbox import sandbox_choose

PDF = b"%PDF-1.4\n%%EOF\n"
PERSON = {
    "declared_uk_based": "on",
    "declared_no_unspent_convictions": "on",
    "declared_not_bankrupt": "on",
}


def step(slug):
    return reverse("licensing:apply_step", args=[slug])


def fill_application(client):
    """Answer every page as an applicant would; returns the check-answers page."""
    client.post(reverse("licensing:apply_start"))
    assert client.post(step("organisation"), {"name": "Harbour Care Ltd", "registered_number": "0123"}).url == step(
        "addresses"
    )
    assert client.post(step("addresses"), {"registered_address": "1 Quay\nHull"}).url == step("size")
    assert client.post(step("size"), {"size": "large"}).url == step("routes")
    assert client.post(step("routes"), {"routes": [Route.SKILLED_WORKER]}).url == step("authorising-officer")
    response = client.post(
        step("authorising-officer"),
        {"given_name": "Ada", "family_name": "Ng", "email": "ada@harbour.example", **PERSON},
    )
    assert response.url == step("key-contact")
    assert client.post(step("key-contact"), {"who": "authorising_officer"}).url == step("level-1")
    assert client.post(step("level-1"), {"who": "someone_else"}).url == step("level-1-details")
    response = client.post(
        step("level-1-details"), {"given_name": "Lee", "family_name": "Fox", "email": "lee@harbour.example", **PERSON}
    )
    assert response.url == reverse("licensing:apply_documents")
    upload = SimpleUploadedFile("accounts.pdf", PDF)
    assert client.post(reverse("licensing:apply_documents"), {"document": upload, "upload": "1"}).status_code == 302
    assert client.post(reverse("licensing:apply_documents"), {"continue": "1"}).url == reverse("licensing:apply_check")
    return client.get(reverse("licensing:apply_check"))


def test_an_applicant_answers_every_page_checks_answers_and_submits(client, db, django_capture_on_commit_callbacks):
    check = fill_application(client).content.decode()
    assert "Harbour Care Ltd" in check
    assert "Same as the Authorising Officer" in check
    assert "accounts.pdf" in check
    assert "£1,579" in check
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("licensing:apply_check"), {"declaration": "on"})
        application = LicenceApplication.objects.get()
        assert application.status == LicenceApplication.Status.AWAITING_PAYMENT
        assert not mail.outbox
        back = sandbox_choose(client, response, "pay")
    assert back.url == reverse("licensing:apply_submitted")
    confirmation = client.get(back.url).content.decode()
    application.refresh_from_db()
    assert application.reference in confirmation
    assert f"payment reference {application.payment_reference}" in confirmation
    assert application.status == LicenceApplication.Status.SUBMITTED
    assert mail.outbox[-1].to == ["ada@harbour.example"]


@pytest.mark.parametrize(("choice", "shown"), [("decline", "payment failed"), ("cancel", "payment cancelled")])
def test_a_declined_or_cancelled_payment_leaves_the_application_waiting_and_it_can_be_paid_again(
    client, db, django_capture_on_commit_callbacks, choice, shown
):
    fill_application(client)
    response = client.post(reverse("licensing:apply_check"), {"declaration": "on"})
    back = sandbox_choose(client, response, choice)
    assert back.url == reverse("licensing:apply_pay")
    page = client.get(back.url).content.decode()
    assert f"Your payment was not completed ({shown})" in page
    assert "Waiting for payment" in page
    assert "Paid" not in page
    application = LicenceApplication.objects.get()
    assert application.status == LicenceApplication.Status.AWAITING_PAYMENT
    assert application.submitted_at is None
    assert not application.payment_reference
    assert client.get(reverse("licensing:apply_submitted")).url == reverse("licensing:apply_start")
    start = client.get(reverse("licensing:apply_start")).content.decode()
    assert f"Your application {application.reference} is waiting for payment" in start
    caseworker_queue = [case.reference for case in application_queue(status=LicenceApplication.Status.SUBMITTED)]
    assert application.reference not in caseworker_queue

    with django_capture_on_commit_callbacks(execute=True):
        again = sandbox_choose(client, client.post(reverse("licensing:apply_pay")), "pay")
    assert again.url == reverse("licensing:apply_submitted")
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.SUBMITTED
    assert Payment.objects.filter(subject_reference=application.reference, status=Payment.Status.SUCCESS).count() == 1


def test_an_abandoned_payment_leaves_the_application_waiting_until_the_provider_says_it_failed(client, db):
    """The applicant never comes back: the application waits; reconciliation finds the outcome."""
    fill_application(client)
    response = client.post(reverse("licensing:apply_check"), {"declaration": "on"})
    assert "/payments/sandbox/" in response["Location"]
    application = LicenceApplication.objects.get()
    Payment.objects.update(created_at=timezone.now() - timedelta(hours=2))
    SandboxPayment.objects.update(created_at=timezone.now() - timedelta(hours=2))

    assert payments_reconcile() == {"checked": 1, "finished": 1, "unreachable": 0}
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.AWAITING_PAYMENT
    assert Payment.objects.get().status == Payment.Status.FAILED
    page = client.get(reverse("licensing:apply_pay")).content.decode()
    assert "payment failed" in page


def test_question_pages_name_the_missing_answer(client, db):
    client.post(reverse("licensing:apply_start"))
    assert "Enter the organisation&#x27;s name" in client.post(step("organisation"), {}).content.decode()
    assert "Select the size of the organisation" in client.post(step("size"), {}).content.decode()
    assert "Select at least one route" in client.post(step("routes"), {}).content.decode()
    content = client.post(step("authorising-officer"), {"given_name": "Ada"}).content.decode()
    assert "Enter the Authorising Officer&#x27;s family name" in content
    assert "Confirm that the Authorising Officer is based in the UK" in content


def test_documents_are_checked_by_content_not_name(client, db):
    client.post(reverse("licensing:apply_start"))
    fake = SimpleUploadedFile("cv.pdf", b"#!/bin/sh\nrm -rf /\n")
    content = client.post(reverse("licensing:apply_documents"), {"document": fake, "upload": "1"}).content.decode()
    assert "The selected file must be a PDF, PNG, JPG or Word (DOCX) file" in content
    content = client.post(reverse("licensing:apply_documents"), {"continue": "1"}).content.decode()
    assert "Add at least one supporting document" in content


def test_the_declaration_is_required(client, db):
    fill_application(client)
    content = client.post(reverse("licensing:apply_check"), {}).content.decode()
    assert "Confirm the declaration to submit the application" in content
    assert LicenceApplication.objects.get().status == LicenceApplication.Status.DRAFT


def test_change_links_return_to_check_answers(client, db):
    fill_application(client)
    response = client.post(step("size") + "?change=1", {"size": "small"})
    assert response.url == reverse("licensing:apply_check")
    assert "£574" in client.get(reverse("licensing:apply_check")).content.decode()


def test_check_answers_shows_the_fee_for_the_type_of_licence(client, db):
    """A large Temporary Worker only applicant pays GBP 574, not the large Worker fee."""
    fill_application(client)
    client.post(step("routes") + "?change=1", {"routes": [Route.SEASONAL_WORKER]})
    content = client.get(reverse("licensing:apply_check")).content.decode()
    assert "The application fee is <strong>£574</strong> (Temporary Worker licence)" in content
    assert "£1,579" not in content


def test_pages_without_a_draft_go_back_to_the_start(client, db):
    assert client.get(step("size")).url == reverse("licensing:apply_start")
    assert client.get(reverse("licensing:apply_check")).url == reverse("licensing:apply_start")


@pytest.fixture
def submitted(client, db, django_capture_on_commit_callbacks):
    fill_application(client)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_choose(client, client.post(reverse("licensing:apply_check"), {"declaration": "on"}), "pay")
    return LicenceApplication.objects.get()


def test_caseworker_grants_from_the_queue_and_the_level_1_user_can_activate(
    client, submitted, caseworker, django_capture_on_commit_callbacks
):
    staff = client.__class__()
    sign_in(staff, caseworker)
    queue = staff.get(reverse("licensing:ho_applications")).content.decode()
    assert submitted.reference in queue
    detail = staff.get(reverse("licensing:ho_application", args=[submitted.reference])).content.decode()
    assert "accounts.pdf" in detail
    submitted.refresh_from_db()
    assert (
        f'Fee paid: <span id="application-fee">£1,579 (Worker licence, medium or large), payment '
        f"{submitted.payment_reference}</span>" in detail
    )
    document = submitted.documents.get()
    download = staff.get(reverse("licensing:ho_application_document", args=[submitted.reference, document.uuid]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("portal:ho_application_grant", args=[submitted.reference]),
            {"routes": [Route.SKILLED_WORKER], "validity_years": 10, "worker": 3, "temporary_worker": 0, "student": 0},
        )
    assert response.status_code == 302
    level_1 = User.objects.get(email="lee@harbour.example")
    link = re.search(
        r"http://testserver(/activate/\S+)", [m for m in mail.outbox if m.to == [level_1.email]][0].body
    ).group(1)
    new_password = "Harbour-Lights-2026"
    assert client.post(link, {"new_password": new_password, "confirm_password": new_password}).status_code == 302
    assert sign_in(client, level_1, password=new_password).status_code == 302
    summary = client.get(reverse("portal:licence_summary")).content.decode()
    assert level_1.sponsor.licence.number in summary
    assert "Skilled Worker" in summary


def test_the_grant_page_offers_a_first_allocation_only_for_the_routes_applied_for(client, submitted, caseworker):
    sign_in(client, caseworker)
    page = client.get(reverse("portal:ho_application_grant", args=[submitted.reference])).content.decode()
    assert "First allocation: Worker certificates" in page
    assert "First allocation: Temporary Worker certificates" not in page
    assert "First allocation: CAS" not in page
    response = client.post(
        reverse("portal:ho_application_grant", args=[submitted.reference]),
        {"routes": [Route.SKILLED_WORKER], "validity_years": 10, "worker": 3, "student": 40},
    )
    assert response.status_code == 302
    assert list(
        User.objects.get(email="lee@harbour.example").sponsor.allocations.values_list("category", "granted")
    ) == [("worker", 3)]


def test_only_caseworkers_and_administrators_decide(client, submitted, helpdesk):
    sign_in(client, helpdesk)
    assert client.get(reverse("licensing:ho_application", args=[submitted.reference])).status_code == 200
    assert client.get(reverse("portal:ho_application_grant", args=[submitted.reference])).status_code == 403
    assert (
        client.post(reverse("licensing:ho_application_refuse", args=[submitted.reference]), {"reason": "x"}).status_code
        == 403
    )


def test_sponsor_users_cannot_see_the_application_queue(client, submitted, level_1):
    sign_in(client, level_1)
    assert client.get(reverse("licensing:ho_applications")).status_code == 403
    assert client.get(reverse("licensing:ho_application", args=[submitted.reference])).status_code == 403


def test_more_information_link_lets_the_applicant_reply_once(
    client, submitted, caseworker, django_capture_on_commit_callbacks
):
    staff = client.__class__()
    sign_in(staff, caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("licensing:ho_application_request_information", args=[submitted.reference]),
            {"request_text": "Send your VAT registration"},
        )
    link = re.search(r"http://testserver(/apply/\S+)", mail.outbox[-1].body).group(1)
    page = client.get(link).content.decode()
    assert "Send your VAT registration" in page
    assert "Enter a reply or upload a document" in client.post(link, {"reply": ""}).content.decode()
    client.post(link, {"reply": "Attached", "document": SimpleUploadedFile("vat.pdf", PDF)})
    submitted.refresh_from_db()
    assert submitted.status == LicenceApplication.Status.SUBMITTED
    assert client.get(link).status_code == 404


def test_refusal_with_reasons(client, submitted, caseworker, django_capture_on_commit_callbacks):
    sign_in(client, caseworker)
    content = client.post(reverse("licensing:ho_application_refuse", args=[submitted.reference]), {}).content.decode()
    assert "Enter the reasons" in content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("licensing:ho_application_refuse", args=[submitted.reference]), {"reason": "Not trading"})
    submitted.refresh_from_db()
    assert submitted.status == LicenceApplication.Status.REFUSED
    assert "Not trading" in mail.outbox[-1].body


def test_a_missing_fee_figure_is_explained_not_a_crash(client, db):
    fill_application(client)
    FeeRate.objects.all().delete()
    page = client.get(reverse("licensing:apply_check"))
    assert page.status_code == 200
    assert "No licence application fee is set for" in page.content.decode()
    refused = client.post(reverse("licensing:apply_check"), {"declaration": "on"})
    assert "No licence application fee is set for" in refused.content.decode()
    assert LicenceApplication.objects.get().status == LicenceApplication.Status.DRAFT
