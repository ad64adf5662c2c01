"""Every decision a sponsor can see is told to it through ``accounts.notices.sponsor_tell``: a notice
on its message board and an email to its Level 1 users (issue 11)."""

import pytest

from sms.certificates.services.allocations import allocation_request_decide, allocation_request_submit
from sms.certificates.services.certificates import (
    certificate_assign,
    certificate_cancel,
    defined_cos_decide,
    defined_cos_request_submit,
)
from sms.certificates.tests.factories import complete_worker, draft, give_allocation
from sms.compliance.services import route_rate
from sms.licensing.models import Rating, SponsorRequest
from sms.licensing.services import licence as licence_services
from sms.licensing.services.requests import request_grant, request_refuse, variation_request_submit
from sms.licensing.services.users import additional_level_1_request_submit
from sms.notifications.models import Notice, OutboundEmail
from tests.factories import make_staff_user


@pytest.fixture
def administrator(db):
    """Decides cases and enforces licences: one person for every decision."""
    return make_staff_user(role="administrator", email="admin@ho.example")


def _allocation(sponsor, level_1, staff):
    give_allocation(sponsor)
    request = allocation_request_submit(
        sponsor=sponsor, actor=level_1, kind="increase", requested={"worker": 3}, justification="Growth"
    )
    allocation_request_decide(request=request, actor=staff, granted={"worker": 0}, reason="Not justified")


def _defined(sponsor, level_1, staff):
    request = defined_cos_request_submit(sponsor=sponsor, actor=level_1, data=complete_worker(family_name="Okafor"))
    defined_cos_decide(request=request, actor=staff, grant=True, reason="")


def _variation_refused(sponsor, level_1, staff):
    request = variation_request_submit(
        sponsor=sponsor, actor=level_1, kind=SponsorRequest.Kind.LINKED_ENTITIES, details="Branch"
    )
    request_refuse(request=request, actor=staff, reason="No evidence")


def _additional_level_1(sponsor, level_1, staff):
    request = additional_level_1_request_submit(
        sponsor=sponsor, actor=level_1, email="second@acme.example", given_name="Sam", family_name="Second"
    )
    if request is not None and request.status == SponsorRequest.Status.SUBMITTED:
        request_grant(request=request, actor=staff)


def _cancelled(sponsor, level_1, staff):
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Cancelled"), actor=level_1)
    certificate_cancel(certificate=certificate, actor=staff, reason="Fraudulent job offer")


def _rated(sponsor, level_1, staff):
    route_rate(
        licence_route=sponsor.licence.routes.first(),
        rating=Rating.B,
        actor=staff,
        reason="Late reports",
        required_actions="Report on time",
    )


def _suspended(sponsor, level_1, staff):
    licence_services.licence_suspend(licence=sponsor.licence, actor=staff, reason="Missing records")


def _lifted(sponsor, level_1, staff):
    _suspended(sponsor, level_1, staff)
    sponsor.refresh_from_db()
    licence_services.licence_reinstate(licence=sponsor.licence, actor=staff, reason="Records found")


def _revoked(sponsor, level_1, staff):
    licence_services.licence_revoke(licence=sponsor.licence, actor=staff, reason="Serious breaches")


DECISIONS = {
    "allocation request refused": (_allocation, "Allocation request"),
    "defined CoS granted": (_defined, "Defined CoS request"),
    "variation refused": (_variation_refused, "refused"),
    "additional Level 1 user": (_additional_level_1, ""),
    "certificate cancelled": (_cancelled, "cancelled by the Home Office"),
    "rating": (_rated, "downgraded to B"),
    "suspension": (_suspended, "suspended"),
    "suspension lifted": (_lifted, "reinstated"),
    "revocation": (_revoked, "revoked"),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_the_sponsor_is_told_on_its_board_and_by_email(decision, sponsor, level_1, administrator):
    make, words = DECISIONS[decision]
    before_notices = set(Notice.objects.filter(sponsor=sponsor).values_list("pk", flat=True))
    before_emails = OutboundEmail.objects.filter(to=level_1.email).count()

    make(sponsor, level_1, administrator)

    notices = Notice.objects.filter(sponsor=sponsor).exclude(pk__in=before_notices)
    assert notices.exists(), f"{decision}: no notice on the sponsor's board"
    assert any(words in notice.subject for notice in notices), [notice.subject for notice in notices]
    assert OutboundEmail.objects.filter(to=level_1.email).count() > before_emails, f"{decision}: no email"
