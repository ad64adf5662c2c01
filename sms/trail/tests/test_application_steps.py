"""The anonymous licence application's steps are in the audit trail: no actor, the application as
the subject, on the Home Office chain, readable on the Home Office trail."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.licensing.services import applications

PDF = b"%PDF-1.4\n%%EOF\n"


def test_starting_answering_and_adding_a_document_are_audited(client, db, caseworker):
    application = applications.application_start()
    applications.application_save_answers(
        application=application, section="organisation", answers={"name": "Harbour Care Ltd"}
    )
    applications.application_add_document(application=application, upload=SimpleUploadedFile("a.pdf", PDF))
    events = list(
        AuditEvent.objects.filter(target_type="licensing.licenceapplication", target_id=str(application.pk)).order_by(
            "id"
        )
    )
    assert [event.verb for event in events] == [
        Verb.APPLICATION_STARTED,
        Verb.APPLICATION_ANSWERS_SAVED,
        Verb.APPLICATION_DOCUMENT_ADDED,
    ]
    assert {(event.actor_id, event.sponsor_id, event.actor_label) for event in events} == {(None, None, "Applicant")}
    assert {event.target_type for event in events} == {"licensing.licenceapplication"}
    sign_in(client, caseworker)
    page = client.get(reverse("audit:home_office_trail"), {"verb": Verb.APPLICATION_ANSWERS_SAVED}).content.decode()
    assert "Section: Organisation" in page
