"""Licence applications: draft, submit with the fee, more information, grant or refuse."""

import re
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from sms.accounts.models import User
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError, IllegalTransition
from sms.licensing.models import KeyPerson, Licence, LicenceApplication, Route
from sms.licensing.services import applications as services
from sms.licensing.tests.paying import application_submit_and_pay
from sms.portal import decisions

PDF = b"%PDF-1.4\n%%EOF\n"
PERSON = {
    "declared_uk_based": True,
    "declared_no_unspent_convictions": True,
    "declared_not_bankrupt": True,
}


def pdf():
    return SimpleUploadedFile("companies-house.pdf", PDF)


def complete_answers(**overrides):
    answers = {
        "organisation": {"name": "Harbour Care Ltd", "registered_number": "01234567"},
        "addresses": {"registered_address": "1 Quay\nHull\nHU1 1AA", "trading_address": ""},
        "size": {"size": "small"},
        "routes": {"routes": [Route.SKILLED_WORKER, Route.SCALE_UP]},
        "authorising_officer": {"given_name": "Ada", "family_name": "Ng", "email": "ada@harbour.example", **PERSON},
        "key_contact": {"same_as": "authorising_officer"},
        "level_1": {"given_name": "Lee", "family_name": "Fox", "email": "lee@harbour.example"},
    }
    answers.update(overrides)
    return answers


@pytest.fixture
def submitted(db, django_capture_on_commit_callbacks):
    application = services.application_start()
    for section, answers in complete_answers().items():
        services.application_save_answers(application=application, section=section, answers=answers)
    services.application_add_document(application=application, upload=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        return application_submit_and_pay(application)


def test_submission_records_the_fee_for_the_size_and_emails_the_reference_once_paid(submitted):
    assert submitted.status == LicenceApplication.Status.SUBMITTED
    assert submitted.fee_pence == 57400
    assert submitted.payment_reference
    assert mail.outbox[-1].to == ["ada@harbour.example"]
    assert submitted.reference in mail.outbox[-1].body
    assert "£574" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(verb=Verb.APPLICATION_SUBMITTED, sponsor=None).exists()
    assert AuditEvent.objects.filter(verb=Verb.APPLICATION_FEE_PAID, sponsor=None).exists()


@pytest.mark.parametrize(
    ("routes", "size", "day", "expected"),
    [
        ([Route.SKILLED_WORKER], "small", date(2025, 4, 9), 57400),
        ([Route.SKILLED_WORKER], "large", date(2025, 4, 9), 157900),
        ([Route.SKILLED_WORKER, Route.SEASONAL_WORKER], "large", date(2025, 4, 9), 157900),
        ([Route.SKILLED_WORKER, Route.SEASONAL_WORKER], "small", date(2025, 4, 9), 57400),
        ([Route.SEASONAL_WORKER, Route.GBM_GRADUATE_TRAINEE], "large", date(2025, 4, 9), 57400),
        ([Route.SCALE_UP], "small", date(2025, 4, 9), 57400),
        ([Route.STUDENT], "large", date(2025, 4, 9), 57400),
        ([Route.STUDENT, Route.CHILD_STUDENT], "small", date(2025, 4, 9), 57400),
        ([Route.STUDENT, Route.SKILLED_WORKER], "large", date(2025, 4, 9), 157900),
        ([Route.SKILLED_WORKER], "small", date(2025, 4, 8), 53600),
        ([Route.SKILLED_WORKER], "large", date(2025, 4, 8), 147600),
        ([Route.CREATIVE_WORKER], "large", date(2025, 4, 8), 53600),
        ([Route.STUDENT], "large", date(2025, 4, 8), 53600),
    ],
)
def test_the_application_fee_by_type_of_licence_and_size(db, routes, size, day, expected):
    answers = complete_answers(routes={"routes": routes}, size={"size": size})
    assert services.application_fee(answers, day) == expected


def test_a_large_temporary_worker_only_applicant_pays_the_temporary_worker_fee(db):
    application = services.application_start()
    answers = complete_answers(routes={"routes": [Route.CHARITY_WORKER]}, size={"size": "large"})
    for section, values in answers.items():
        services.application_save_answers(application=application, section=section, answers=values)
    services.application_add_document(application=application, upload=pdf())
    submitted = services.application_submit(application=application, declaration_confirmed=True)
    assert submitted.fee_pence == 57400
    assert services.application_fee_basis(submitted.answers) == "Temporary Worker licence"


def test_an_incomplete_application_cannot_be_submitted(db):
    application = services.application_start()
    services.application_save_answers(application=application, section="organisation", answers={"name": "X"})
    with pytest.raises(DomainError, match="Answer every question"):
        services.application_submit(application=application, declaration_confirmed=True)


def test_submission_needs_a_document_and_the_declaration(db):
    application = services.application_start()
    for section, answers in complete_answers().items():
        services.application_save_answers(application=application, section=section, answers=answers)
    with pytest.raises(DomainError, match="supporting document"):
        services.application_submit(application=application, declaration_confirmed=True)
    services.application_add_document(application=application, upload=pdf())
    with pytest.raises(DomainError, match="declaration"):
        services.application_submit(application=application, declaration_confirmed=False)


def test_a_representative_authorising_officer_is_refused_at_submission(db):
    application = services.application_start()
    answers = complete_answers(
        authorising_officer={
            "given_name": "L",
            "family_name": "W",
            "email": "l@law.example",
            "is_representative": True,
            **PERSON,
        }
    )
    for section, value in answers.items():
        services.application_save_answers(application=application, section=section, answers=value)
    services.application_add_document(application=application, upload=pdf())
    with pytest.raises(DomainError, match="representative"):
        services.application_submit(application=application, declaration_confirmed=True)


def test_a_submitted_application_cannot_be_changed(submitted):
    with pytest.raises(DomainError, match="can no longer be changed"):
        services.application_save_answers(application=submitted, section="size", answers={"size": "large"})


def test_more_information_round_trip_uses_a_single_use_link(submitted, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = services.application_request_information(
            application=submitted, actor=caseworker, request_text="Send your latest accounts"
        )
    assert link in mail.outbox[-1].body
    token = re.search(r"more-information/([^/]+)/", link).group(1)
    found = services.application_for_token(reference=submitted.reference, token=token)
    assert found == submitted
    assert services.application_for_token(reference=submitted.reference, token="wrong") is None
    services.application_provide_information(application=found, response="Attached", uploads=[pdf()])
    found.refresh_from_db()
    assert found.status == LicenceApplication.Status.SUBMITTED
    assert found.documents.count() == 2
    assert found.answers["information_replies"] == [{"request": "Send your latest accounts", "reply": "Attached"}]
    assert services.application_for_token(reference=submitted.reference, token=token) is None


def test_grant_creates_sponsor_licence_key_personnel_and_level_1_user(
    submitted, caseworker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sponsor = decisions.application_grant(
            application=submitted,
            actor=caseworker,
            routes=[Route.SKILLED_WORKER],
            first_allocation={"worker": 5, "temporary_worker": 0},
        )
    licence = sponsor.licence
    assert (sponsor.name, sponsor.size, licence.status) == ("Harbour Care Ltd", "small", Licence.Status.ACTIVE)
    assert list(licence.routes.values_list("route", "rating")) == [(Route.SKILLED_WORKER, "a")]
    roles = dict(KeyPerson.objects.filter(sponsor=sponsor).values_list("role", "email"))
    assert roles == {"authorising_officer": "ada@harbour.example", "key_contact": "ada@harbour.example"}
    level_1 = User.objects.get(email="lee@harbour.example")
    assert (level_1.level, level_1.sponsor, level_1.has_usable_password()) == (User.Level.LEVEL_1, sponsor, False)
    submitted.refresh_from_db()
    assert submitted.first_allocation == {"worker": 5}
    assert list(sponsor.allocations.values_list("category", "granted", "used")) == [("worker", 5, 0)]
    to_ao = [m for m in mail.outbox if m.to == ["ada@harbour.example"] and "granted" in m.subject][0]
    assert level_1.user_id in to_ao.body
    assert licence.number in to_ao.body
    to_l1 = [m for m in mail.outbox if m.to == ["lee@harbour.example"]][0]
    assert "/activate/" in to_l1.body


@pytest.mark.parametrize(
    ("routes", "first_allocation", "category"),
    [
        ([Route.SKILLED_WORKER], {"worker": 5, "student": 3}, "Student"),
        ([Route.SKILLED_WORKER], {"worker": 5, "temporary_worker": 2}, "Temporary Worker"),
    ],
)
def test_the_first_allocation_is_only_for_categories_of_the_routes_granted(
    submitted, caseworker, routes, first_allocation, category
):
    """Domain.md section 4: allocations only for categories of routes the licence holds."""
    with pytest.raises(DomainError, match=f"No route granted is a {category} route"):
        decisions.application_grant(
            application=submitted, actor=caseworker, routes=routes, first_allocation=first_allocation
        )
    submitted.refresh_from_db()
    assert submitted.status == LicenceApplication.Status.SUBMITTED
    assert not Licence.objects.exists()


def test_a_first_allocation_for_a_temporary_worker_route_granted(submitted, caseworker):
    sponsor = decisions.application_grant(
        application=submitted,
        actor=caseworker,
        routes=[Route.SKILLED_WORKER, Route.SCALE_UP],
        first_allocation={"worker": 5, "temporary_worker": 2},
    )
    assert sorted(sponsor.allocations.values_list("category", "granted")) == [("temporary_worker", 2), ("worker", 5)]


def test_grant_may_not_add_routes_the_applicant_did_not_ask_for(submitted, caseworker):
    with pytest.raises(DomainError, match="only routes the applicant asked for"):
        services.application_grant(application=submitted, actor=caseworker, routes=[Route.STUDENT])


def test_refusal_tells_the_applicant_the_reasons(submitted, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_refuse(application=submitted, actor=caseworker, reasons="No evidence of trading")
    assert "No evidence of trading" in mail.outbox[-1].body
    with pytest.raises(IllegalTransition):
        services.application_grant(application=submitted, actor=caseworker, routes=[Route.SKILLED_WORKER])


def test_a_grant_that_fails_half_way_leaves_nothing_behind(submitted, caseworker, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("email store unavailable")

    monkeypatch.setattr(services, "email_enqueue_template", fail)
    with pytest.raises(RuntimeError):
        services.application_grant(application=submitted, actor=caseworker, routes=[Route.SKILLED_WORKER])
    submitted.refresh_from_db()
    assert submitted.status == LicenceApplication.Status.SUBMITTED
    assert not Licence.objects.filter(sponsor__name="Harbour Care Ltd").exists()
    assert not User.objects.filter(email="lee@harbour.example").exists()


ACTIONS = {
    "submit": (
        lambda app, staff: services.application_submit(application=app, declaration_confirmed=True),
        {LicenceApplication.Status.DRAFT},
    ),
    "request_information": (
        lambda app, staff: services.application_request_information(application=app, actor=staff, request_text="More"),
        {LicenceApplication.Status.SUBMITTED},
    ),
    "provide_information": (
        lambda app, staff: services.application_provide_information(application=app, response="Here", uploads=[]),
        {LicenceApplication.Status.MORE_INFORMATION_REQUESTED},
    ),
    "grant": (
        lambda app, staff: services.application_grant(application=app, actor=staff, routes=[Route.SKILLED_WORKER]),
        {LicenceApplication.Status.SUBMITTED},
    ),
    "refuse": (
        lambda app, staff: services.application_refuse(application=app, actor=staff, reasons="No"),
        {LicenceApplication.Status.SUBMITTED, LicenceApplication.Status.MORE_INFORMATION_REQUESTED},
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("source", LicenceApplication.Status.values)
def test_each_application_action_is_refused_from_statuses_the_table_does_not_allow(
    submitted, caseworker, action, source
):
    """The draft-only rule for answers aside, every move is checked against the transition table."""
    perform, allowed = ACTIONS[action]
    LicenceApplication.objects.filter(pk=submitted.pk).update(status=source)
    submitted.refresh_from_db()
    if source in allowed:
        perform(submitted, caseworker)
    else:
        with pytest.raises((IllegalTransition, DomainError)):
            perform(submitted, caseworker)
        submitted.refresh_from_db()
        assert submitted.status == source
