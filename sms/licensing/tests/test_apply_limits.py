"""Limits on the public application journey: documents per application and their total size, and
new drafts and uploads per client address, answered with a GOV.UK 429 page that says when to try
again (docs/decisions.md, "Limits on the public application")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sms.core.exceptions import DomainError
from sms.licensing.models import LicenceApplication
from sms.licensing.services import applications as services
from sms.web.ratelimits import wait_in_words

PDF = b"%PDF-1.4\n%%EOF\n"
START = reverse("licensing:apply_start")
DOCUMENTS = reverse("licensing:apply_documents")


def _pdf(name="a.pdf", size=0):
    return SimpleUploadedFile(name, PDF + b"0" * max(0, size - len(PDF)), content_type="application/pdf")


def _upload(client, name="a.pdf", size=0):
    return client.post(DOCUMENTS, {"document": _pdf(name, size), "upload": "1"})


def test_an_application_holds_at_most_the_configured_number_of_documents(client, db, settings):
    settings.APPLICATION_MAX_DOCUMENTS = 3
    client.post(START)
    for number in range(3):
        assert _upload(client, f"{number}.pdf").status_code == 302
    response = _upload(client, "extra.pdf")
    assert response.status_code == 200
    assert "An application can have at most 3 documents" in response.content.decode()
    assert LicenceApplication.objects.get().documents.count() == 3


def test_the_documents_of_one_application_are_limited_in_total_size(db, settings):
    settings.APPLICATION_MAX_DOCUMENTS_BYTES = 1024 * 1024
    application = services.application_start()
    services.application_add_document(application=application, upload=_pdf(size=700 * 1024))
    with pytest.raises(DomainError, match="smaller than 1MB in total"):
        services.application_add_document(application=application, upload=_pdf(size=400 * 1024))
    services.application_add_document(application=application, upload=_pdf(size=300 * 1024))
    assert application.documents.count() == 2


def test_one_address_starts_only_so_many_drafts_then_is_told_when_to_try_again(db, settings):
    settings.APPLICATION_DRAFTS_RATE = "2/h"
    for _ in range(2):
        assert Client(REMOTE_ADDR="203.0.113.9").post(START).status_code == 302
    response = Client(REMOTE_ADDR="203.0.113.9").post(START)
    assert response.status_code == 429
    content = response.content.decode()
    assert "You have started an application too many times" in content
    assert "Try again in" in content
    assert 0 < int(response["Retry-After"]) <= 3600
    assert LicenceApplication.objects.count() == 2
    # Another address is not held back, and going back to a draft one already has starts nothing.
    assert Client(REMOTE_ADDR="198.51.100.7").post(START).status_code == 302


def test_a_client_with_a_draft_is_not_counted_again_for_the_start_button(client, db, settings):
    settings.APPLICATION_DRAFTS_RATE = "1/h"
    assert client.post(START).status_code == 302
    assert client.post(START).status_code == 302
    assert LicenceApplication.objects.count() == 1


def test_uploads_from_one_address_are_limited(client, db, settings):
    settings.APPLICATION_UPLOADS_RATE = "2/h"
    client.post(START)
    assert _upload(client).status_code == 302
    assert _upload(client).status_code == 302
    response = _upload(client)
    assert response.status_code == 429
    assert "You have uploaded documents too many times" in response.content.decode()
    assert LicenceApplication.objects.get().documents.count() == 2
    # Continuing with what was uploaded is not an upload.
    assert client.post(DOCUMENTS, {"continue": "1"}).status_code == 302


def test_behind_our_proxy_the_forwarded_client_address_is_counted(db, settings):
    settings.APPLICATION_DRAFTS_RATE = "1/h"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").post(START).status_code == 302
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").post(START).status_code == 302
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").post(START).status_code == 429


@pytest.mark.parametrize(
    ("seconds", "words"), [(1, "1 minute"), (61, "2 minutes"), (3599, "1 hour"), (3601, "2 hours")]
)
def test_the_wait_is_said_in_words_rounded_up(seconds, words):
    assert wait_in_words(seconds) == words
