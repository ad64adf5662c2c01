"""Renewals and variations: what may be asked, and what a grant does to the licence."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError, IllegalTransition
from sms.core.selectors import fee_amount
from sms.licensing.models import Licence, Route, SponsorRequest
from sms.licensing.services import requests as services
from sms.payments.tests.sandbox import RETURN_URL, sandbox_finish

Kind = SponsorRequest.Kind
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def expire_in(licence, days):
    Licence.objects.filter(pk=licence.pk).update(expiry_date=timezone.localdate() + timedelta(days=days))
    licence.refresh_from_db()


def test_renewal_inside_the_window_records_the_fee_and_a_grant_extends_the_licence(sponsor, level_1, caseworker):
    expire_in(sponsor.licence, 30)
    request = services.renewal_request_submit(sponsor=sponsor, actor=level_1, declaration_confirmed=True)
    assert request.fee_pence == 157900  # medium or large sponsor, from 9 April 2025
    assert request.status == SponsorRequest.Status.AWAITING_PAYMENT
    sandbox_finish(services.renewal_payment_start(request=request, actor=level_1, return_url=RETURN_URL))
    request.refresh_from_db()
    assert request.status == SponsorRequest.Status.SUBMITTED
    previous_expiry = sponsor.licence.expiry_date
    services.request_grant(request=request, actor=caseworker)
    sponsor.licence.refresh_from_db()
    assert sponsor.licence.expiry_date == previous_expiry.replace(year=previous_expiry.year + 10)


def test_renewal_before_the_window_says_when_it_opens(sponsor, level_1):
    expire_in(sponsor.licence, 200)
    opens = services.licence_services.renewal_window_opens(sponsor.licence)
    with pytest.raises(DomainError, match=f"You can apply to renew from {opens:%d %B %Y}"):
        services.renewal_request_submit(sponsor=sponsor, actor=level_1, declaration_confirmed=True)


def test_renewal_needs_the_declaration_and_only_one_at_a_time(sponsor, level_1):
    expire_in(sponsor.licence, 30)
    with pytest.raises(DomainError, match="declaration"):
        services.renewal_request_submit(sponsor=sponsor, actor=level_1, declaration_confirmed=False)
    renewal = services.renewal_request_submit(sponsor=sponsor, actor=level_1, declaration_confirmed=True)
    with pytest.raises(DomainError, match="waiting for its fee: pay it or withdraw it"):
        services.renewal_request_submit(sponsor=sponsor, actor=level_1, declaration_confirmed=True)
    sandbox_finish(services.renewal_payment_start(request=renewal, actor=level_1, return_url=RETURN_URL))
    with pytest.raises(DomainError, match="already waiting"):
        services.renewal_request_submit(sponsor=sponsor, actor=level_1, declaration_confirmed=True)


def test_granted_route_variation_adds_the_route(sponsor, level_1, caseworker):
    request = services.variation_request_submit(
        sponsor=sponsor,
        actor=level_1,
        kind=Kind.ADD_ROUTE,
        route=Route.SCALE_UP,
        details="We are scaling up",
        uploads=[pdf()],
    )
    assert request.documents.count() == 1
    services.request_grant(request=request, actor=caseworker)
    assert sponsor.licence.routes.filter(route=Route.SCALE_UP, removed_on__isnull=True).exists()


def test_granted_surrender_ends_the_licence(sponsor, level_1, caseworker):
    request = services.variation_request_submit(
        sponsor=sponsor, actor=level_1, kind=Kind.SURRENDER, details="Closing down"
    )
    services.request_grant(request=request, actor=caseworker)
    sponsor.licence.refresh_from_db()
    assert sponsor.licence.status == Licence.Status.SURRENDERED


def test_refusal_needs_reasons_and_leaves_the_licence_alone(sponsor, level_1, caseworker):
    request = services.variation_request_submit(
        sponsor=sponsor, actor=level_1, kind=Kind.ADD_ROUTE, route=Route.SCALE_UP, details="Please"
    )
    with pytest.raises(DomainError, match="Enter the reasons"):
        services.request_refuse(request=request, actor=caseworker, reason="")
    services.request_refuse(request=request, actor=caseworker, reason="No evidence of a genuine need")
    assert not sponsor.licence.routes.filter(route=Route.SCALE_UP).exists()
    assert AuditEvent.objects.get(verb=Verb.REQUEST_REFUSED).payload["reason"] == "No evidence of a genuine need"


@pytest.mark.parametrize(
    ("kind", "route", "message"),
    [
        (Kind.ADD_ROUTE, "", "Select the route to add"),
        (Kind.ADD_ROUTE, Route.SKILLED_WORKER, "already holds"),
        (Kind.REMOVE_ROUTE, Route.SCALE_UP, "Select a route the licence holds"),
        (Kind.REMOVE_ROUTE, Route.SKILLED_WORKER, "at least one route"),
        (Kind.RENEWAL, "", "Select what you want to change"),
    ],
)
def test_variation_requests_that_cannot_work_are_refused_up_front(sponsor, level_1, kind, route, message):
    with pytest.raises(DomainError, match=message):
        services.variation_request_submit(sponsor=sponsor, actor=level_1, kind=kind, route=route, details="Details")
    assert not SponsorRequest.objects.exists()


def test_a_variation_with_a_bad_file_creates_nothing(sponsor, level_1):
    fake = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(Exception, match="must be a PDF, PNG, JPG or Word"):
        services.variation_request_submit(
            sponsor=sponsor, actor=level_1, kind=Kind.LINKED_ENTITIES, details="Branch", uploads=[pdf(), fake]
        )
    assert not SponsorRequest.objects.exists()


@pytest.mark.parametrize(
    "decided", [SponsorRequest.Status.GRANTED, SponsorRequest.Status.REFUSED, SponsorRequest.Status.WITHDRAWN]
)
def test_a_decided_request_cannot_be_decided_or_withdrawn_again(sponsor, level_1, caseworker, decided):
    request = services.variation_request_submit(
        sponsor=sponsor, actor=level_1, kind=Kind.LINKED_ENTITIES, details="Branch"
    )
    SponsorRequest.objects.filter(pk=request.pk).update(status=decided)
    for action in (
        lambda: services.request_grant(request=request, actor=caseworker),
        lambda: services.request_refuse(request=request, actor=caseworker, reason="No"),
        lambda: services.request_withdraw(request=request, actor=level_1),
    ):
        with pytest.raises(IllegalTransition):
            action()


def test_withdrawal_is_audited_and_sends_no_email(sponsor, level_1, mailoutbox):
    request = services.variation_request_submit(
        sponsor=sponsor, actor=level_1, kind=Kind.LINKED_ENTITIES, details="Branch"
    )
    services.request_withdraw(request=request, actor=level_1)
    request.refresh_from_db()
    assert request.status == SponsorRequest.Status.WITHDRAWN
    assert AuditEvent.objects.filter(verb=Verb.REQUEST_WITHDRAWN, actor=level_1).exists()


def test_a_grant_that_fails_half_way_changes_nothing(sponsor, level_1, caseworker, monkeypatch):
    request = services.variation_request_submit(
        sponsor=sponsor, actor=level_1, kind=Kind.ADD_ROUTE, route=Route.SCALE_UP, details="Please"
    )

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.licence_services, "licence_route_add", fail)
    with pytest.raises(RuntimeError):
        services.request_grant(request=request, actor=caseworker)
    request.refresh_from_db()
    assert request.status == SponsorRequest.Status.SUBMITTED
    assert not AuditEvent.objects.filter(verb=Verb.REQUEST_GRANTED).exists()


def test_fee_uses_the_rate_in_force_on_the_day(db):
    assert fee_amount(kind="licence_renewal", sponsor_size="small", on=date(2025, 4, 8)) == 53600
    assert fee_amount(kind="licence_renewal", sponsor_size="small", on=date(2025, 4, 9)) == 57400
