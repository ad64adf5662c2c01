"""An application naming an email address that already has an account is stopped at that question;
a used information-request link says what it was for; staff are never told to ask a Level 1 user."""

import re

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.licensing.tests.test_apply_pages import PDF, PERSON, step
from sms.payments.tests.sandbox import sandbox_choose


def start_to_level_1(client, ao_email="ada@harbour.example"):
    client.post(reverse("licensing:apply_start"))
    client.post(step("organisation"), {"name": "Harbour Care Ltd"})
    client.post(step("addresses"), {"registered_address": "1 Quay\nHull"})
    client.post(step("size"), {"size": "large"})
    client.post(step("routes"), {"routes": ["skilled_worker"]})
    client.post(step("authorising-officer"), {"given_name": "Ada", "family_name": "Ng", "email": ao_email, **PERSON})
    client.post(step("key-contact"), {"who": "authorising_officer"})


def test_a_level_1_email_that_already_has_an_account_is_refused_at_that_question(client, level_2):
    start_to_level_1(client)
    client.post(step("level-1"), {"who": "someone_else"})
    response = client.post(
        step("level-1-details"),
        {"given_name": "Lee", "family_name": "Fox", "email": level_2.email.upper(), **PERSON},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "already has an account on the service" in content
    assert 'href="#id_email"' in content


def test_choosing_an_authorising_officer_with_an_account_as_level_1_is_refused_at_that_choice(client, level_2):
    start_to_level_1(client, ao_email=level_2.email)
    response = client.post(step("level-1"), {"who": "authorising_officer"})
    assert response.status_code == 200
    assert "already has an account on the service" in response.content.decode()


def test_a_used_information_link_says_what_it_was_for(client, db, caseworker, django_capture_on_commit_callbacks):
    start_to_level_1(client)
    client.post(step("level-1"), {"who": "someone_else"})
    client.post(
        step("level-1-details"), {"given_name": "Lee", "family_name": "Fox", "email": "lee@h.example", **PERSON}
    )
    client.post(reverse("licensing:apply_documents"), {"document": SimpleUploadedFile("a.pdf", PDF), "upload": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_choose(client, client.post(reverse("licensing:apply_check"), {"declaration": "on"}), "pay")
    reference = mail.outbox[-1].body
    staff = client.__class__()
    sign_in(staff, caseworker)
    application_reference = re.search(r"\bA[0-9A-Z]{9}\b", reference).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("licensing:ho_application_request_information", args=[application_reference]),
            {"request_text": "Send your VAT registration"},
        )
    link = re.search(r"http://testserver(/apply/\S+)", mail.outbox[-1].body).group(1)
    client.post(link, {"reply": "Attached"})
    used = client.get(link)
    assert used.status_code == 404
    content = used.content.decode()
    assert "This link to send more information has already been used" in content
    assert "sponsor licence application" in content
    assert "password" not in content


def test_staff_refused_a_page_are_not_told_to_ask_a_level_1_user(client, caseworker):
    sign_in(client, caseworker)
    response = client.get(reverse("licensing:add_level_2"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Level 1 user" not in content
    assert "service administrator" in content


def test_an_expired_link_page_does_not_assume_the_reader_is_a_sponsor_user(client, db):
    page = client.get(reverse("accounts:activate", args=["MQ", "bad-token"])).content.decode()
    assert "Level 1 user of your organisation" not in page
    assert "ask the person who added you" in page
