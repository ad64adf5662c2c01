"""Every sponsor-visible decision and sanction, and the daily sweep's reminders, post a notice on the
sponsor's board and email its Level 1 users; reminders are posted once per key."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sms.accounts.models import User
from sms.certificates.models import Allocation
from sms.certificates.services.allocations import allocation_request_decide, allocation_request_submit
from sms.certificates.services.certificates import defined_cos_decide, defined_cos_request_submit
from sms.certificates.tests.factories import complete_worker, give_allocation
from sms.licensing.models import Licence, SponsorRequest
from sms.licensing.services import applications
from sms.licensing.services import licence as licence_services
from sms.licensing.services import requests as request_services
from sms.licensing.tests.paying import application_submit_and_pay
from sms.licensing.tests.test_applications import complete_answers, pdf
from sms.notifications.models import Notice, OutboundEmail
from sms.portal import decisions
from tests.factories import make_sponsor_user


@pytest.fixture
def second_level_1(sponsor):
    return make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="second@acme.example")


def told(sponsor, subject_part, kind):
    notice = Notice.objects.get(sponsor=sponsor, subject__contains=subject_part)
    assert notice.kind == kind
    return notice, set(OutboundEmail.objects.filter(subject=notice.subject).values_list("to", flat=True))


def test_suspension_reinstatement_and_revocation_are_told(sponsor, level_1, second_level_1, compliance_officer):
    licence = sponsor.licence
    licence_services.licence_suspend(licence=licence, actor=compliance_officer, reason="Missing records")
    notice, emails = told(sponsor, "suspended", Notice.Kind.SANCTION)
    assert "Missing records" in notice.body
    assert emails == {level_1.email, second_level_1.email}
    licence_services.licence_reinstate(licence=licence, actor=compliance_officer, reason="Records found")
    told(sponsor, "reinstated", Notice.Kind.DECISION)
    licence_services.licence_revoke(licence=licence, actor=compliance_officer, reason="Serious breach")
    _, emails = told(sponsor, "revoked", Notice.Kind.SANCTION)
    assert emails == {level_1.email, second_level_1.email}


def test_a_rating_change_is_told(sponsor, level_1, compliance_officer):
    held = sponsor.licence.routes.get()
    licence_services.licence_route_rate(licence_route=held, rating="b", actor=compliance_officer, reason="Late reports")
    notice, emails = told(sponsor, "rating changed to B-rating", Notice.Kind.SANCTION)
    assert "Late reports" in notice.body
    assert emails == {level_1.email}
    licence_services.licence_route_rate(licence_route=held, rating="a", actor=compliance_officer, reason="Improved")
    told(sponsor, "rating changed to A-rating", Notice.Kind.DECISION)


def test_sponsor_request_decisions_are_told_without_emailing_the_requester_twice(
    sponsor, level_1, second_level_1, caseworker
):
    request = request_services.variation_request_submit(
        sponsor=sponsor, actor=level_1, kind=SponsorRequest.Kind.LINKED_ENTITIES, details="Branch", uploads=[pdf()]
    )
    request_services.request_refuse(request=request, actor=caseworker, reason="No evidence")
    notice, emails = told(sponsor, request.reference, Notice.Kind.DECISION)
    assert "No evidence" in notice.body
    assert notice.link.endswith(f"/{request.reference}/")
    # The requester has the request's own email; the other Level 1 user is told by this one.
    assert emails == {second_level_1.email}
    assert OutboundEmail.objects.filter(to=level_1.email, subject__contains=request.reference).count() == 1


def test_allocation_and_defined_cos_decisions_are_told(sponsor, level_1, caseworker):
    request = allocation_request_submit(
        sponsor=sponsor, actor=level_1, kind="increase", requested={"worker": 3}, justification="Growth"
    )
    allocation_request_decide(request=request, actor=caseworker, granted={"worker": 2}, reason="Two is enough")
    notice, emails = told(sponsor, request.reference, Notice.Kind.DECISION)
    assert "2 Worker" in notice.body
    assert emails == {level_1.email}
    defined = defined_cos_request_submit(sponsor=sponsor, actor=level_1, data=complete_worker(family_name="Defined"))
    defined_cos_decide(request=defined, actor=caseworker, grant=True, reason="")
    notice, _ = told(sponsor, defined.reference, Notice.Kind.DECISION)
    assert "Assign it by" in notice.body


def test_a_granted_application_is_on_the_new_sponsors_board(db, caseworker):
    application = applications.application_start()
    for section, answers in complete_answers().items():
        applications.application_save_answers(application=application, section=section, answers=answers)
    applications.application_add_document(application=application, upload=pdf())
    application_submit_and_pay(application)
    sponsor = decisions.application_grant(application=application, actor=caseworker, routes=["skilled_worker"])
    notice = Notice.objects.get(sponsor=sponsor)
    assert application.reference in notice.subject
    assert sponsor.licence.number in notice.body


def sweep(day) -> str:
    out = StringIO()
    call_command("compliance_sweep", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def test_the_sweep_reminds_of_expiry_and_low_allocations_once(sponsor, level_1):
    today = timezone.localdate()
    Licence.objects.filter(pk=sponsor.licence.pk).update(expiry_date=today + timedelta(days=40))
    give_allocation(sponsor, number=10)
    Allocation.objects.filter(sponsor=sponsor).update(used=8)
    assert "0 licence expiry reminders, 0 allocation" in sweep(today - timedelta(days=100))
    assert "1 licence expiry reminder, 0 allocation" in sweep(today)  # 2 of 10 left is above 10%
    Allocation.objects.filter(sponsor=sponsor).update(used=9)
    assert "0 licence expiry reminders, 1 allocation running low reminder" in sweep(today)
    assert "0 licence expiry reminders, 0 allocation running low reminders" in sweep(today)
    reminders = Notice.objects.filter(sponsor=sponsor, kind=Notice.Kind.REMINDER)
    assert reminders.count() == 2
    assert OutboundEmail.objects.filter(to=level_1.email, subject__in=reminders.values("subject")).count() == 2
