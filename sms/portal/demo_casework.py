"""Waiting Home Office work for the demo (``seed_demo``): a case in every queue, messages, an action
plan in progress and compliance visits, made through the services a person's pages call.

Each part is made once: it looks for what it made before (a reference text, a subject, a status),
so running ``seed_demo`` again adds nothing.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.certificates.demo import complete_worker
from sms.certificates.models import AllocationRequest, DefinedCosRequest
from sms.certificates.services.allocations import allocation_request_submit
from sms.certificates.services.certificates import (
    certificate_assign,
    certificate_save_draft,
    defined_cos_request_submit,
)
from sms.compliance import services as compliance
from sms.compliance.models import ActionPlan, Representation
from sms.licensing.models import Licence, LicenceApplication, Rating, Route, SponsorRequest
from sms.licensing.services import applications
from sms.licensing.services.licence import licence_suspend, renewal_allowed
from sms.licensing.services.requests import renewal_payment_start, renewal_request_submit, variation_request_submit
from sms.licensing.services.users import additional_level_1_request_submit
from sms.messageboard.models import Message
from sms.messageboard.services import message_post
from sms.payments.models import SandboxPayment
from sms.payments.services import payment_confirm
from sms.reporting.models import Obligation
from sms.reporting.services.facts import fact_record, person_register_from_certificate
from sms.reporting.services.obligations import obligation_report
from sms.visits.models import ComplianceVisit
from sms.visits.services import visit_plan, visit_record

# A tiny but real PDF: uploads are checked by their content.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = "Meadow View Nursing Ltd"
SUSPENSION_REASON = "Right to work checks were missing for 4 of the 9 workers seen on a compliance visit."
DOWNGRADE_REASON = "Two changes of circumstances were reported late and one worker's absence was not reported at all."


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _sponsor(name: str) -> Sponsor:
    return Sponsor.objects.get(name=name)


def seed_casework() -> None:
    caseworker = _user("caseworker@homeoffice.example")
    officer = _user("compliance@homeoffice.example")
    acme = _sponsor("Acme Care Ltd")
    acme_l1 = _user("level1@acme-care.example")
    acme_l2 = _user("level2@acme-care.example")
    _allocation_request(acme, acme_l1)
    _defined_cos_request(acme, acme_l1)
    _reports(acme, acme_l2)
    _application()
    _action_plan(_sponsor("Riverside Logistics Ltd"), _user("level1@riverside-logistics.example"), officer)
    _additional_level_1(_sponsor("Riverside Logistics Ltd"), _user("level1@riverside-logistics.example"))
    _renewal(_sponsor("Riverside Logistics Ltd"), _user("level1@riverside-logistics.example"))
    _variation(_sponsor("Northern Engineering plc"), _user("level1@northern-eng.example"))
    _suspension(_sponsor("Harbourside Hotels Ltd"), _user("level1@harbourside-hotels.example"), officer)
    _planned_visit(_sponsor("Northern Engineering plc"), officer)
    _messages(caseworker)


def _allocation_request(sponsor, level_1):
    if AllocationRequest.objects.filter(sponsor=sponsor).exists():
        return
    allocation_request_submit(
        sponsor=sponsor,
        actor=level_1,
        kind="increase",
        requested={"worker": 10},
        justification="We have won a contract for two new care homes in Wakefield and need 10 more care workers.",
    )


def _defined_cos_request(sponsor, level_1):
    if DefinedCosRequest.objects.filter(sponsor=sponsor).exists():
        return
    defined_cos_request_submit(
        sponsor=sponsor,
        actor=level_1,
        data=complete_worker(
            given_names="Haruto", family_name="Nakamura", nationality="Japanese", passport_number="TK4418207"
        ),
    )


def _reports(sponsor, level_2):
    """Two reports received: a change of job title on time, and the end of an employment reported late."""
    reported = [Obligation.Status.REPORTED_ON_TIME, Obligation.Status.REPORTED_LATE]
    if Obligation.objects.filter(sponsor=sponsor, status__in=reported).exists():
        return
    today = timezone.localdate()
    for given_names, family_name, nationality, kind, days_ago, values in [
        ("Tunde", "Adeyemi", "Nigerian", "role_change", 3, {"new_value": "Senior care worker"}),
        ("Joanna", "Kowalski", "Polish", "employment_ended", 45, {"end_reason": "resignation"}),
    ]:
        worker = complete_worker(
            given_names=given_names,
            family_name=family_name,
            nationality=nationality,
            passport_number=f"P{days_ago:08d}",
        )
        certificate = certificate_save_draft(sponsor=sponsor, actor=level_2, data=worker)
        certificate = certificate_assign(certificate=certificate, actor=level_2)
        person = person_register_from_certificate(certificate=certificate, actor=level_2)
        fact_record(
            person=person, actor=level_2, kind="start_confirmed", start_date=today - timedelta(days=days_ago + 60)
        )
        fact_record(person=person, actor=level_2, kind=kind, start_date=today - timedelta(days=days_ago), **values)
        obligation_report(
            obligation=person.obligations.get(event=kind),
            actor=level_2,
            report={},
            uploads=[SimpleUploadedFile(f"{family_name.lower()}-evidence.pdf", PDF)],
            declaration=True,
        )


def _application():
    if LicenceApplication.objects.filter(answers__organisation__name=APPLICANT).exists():
        return
    application = applications.application_start()
    person = {
        "given_name": "Grace",
        "family_name": "Adebayo",
        "email": "grace.adebayo@meadowview.example",
        "declared_uk_based": True,
        "declared_no_unspent_convictions": True,
        "declared_not_bankrupt": True,
    }
    for section, answers in [
        ("organisation", {"name": APPLICANT}),
        ("size", {"size": "small"}),
        ("routes", {"routes": [Route.SKILLED_WORKER]}),
        ("authorising_officer", person),
        ("key_contact", {"same_as": "authorising_officer"}),
        ("level_1", {"same_as": "authorising_officer"}),
    ]:
        applications.application_save_answers(application=application, section=section, answers=answers)
    applications.application_add_document(
        application=application, upload=SimpleUploadedFile("cqc-registration.pdf", PDF)
    )
    applications.application_submit(application=application, declaration_confirmed=True)
    # The applicant pays the fee (in the sandbox): only a paid application reaches the queue.
    payment = applications.application_payment_start(application=application, return_url="/")
    if payment.provider == "sandbox":
        SandboxPayment.objects.filter(provider_id=payment.provider_id).update(state="success")
        payment_confirm(payment=payment)


def _action_plan(sponsor, level_1, officer):
    """A completed visit found breaches; the route was downgraded to B; the fee is paid (in the
    sandbox) and the first action is under way."""
    if ActionPlan.objects.filter(sponsor=sponsor).exists():
        return
    today = timezone.localdate()
    visit = visit_plan(actor=officer, sponsor=sponsor, visit_date=today, announced=True, officer=officer)
    visit_record(
        actor=officer,
        visit=visit,
        visit_date=today - timedelta(days=12),
        officer=officer,
        findings="Reporting duties not met: two changes reported late, one absence not reported. "
        "HR staff unsure of the 10 working day rule.",
        outcome=ComplianceVisit.Outcome.ACTION_PLAN,
        linked_actions="Skilled Worker route downgraded to B with an action plan",
    )
    compliance.route_rate(
        licence_route=sponsor.licence.routes.get(route=Route.SKILLED_WORKER),
        rating=Rating.B,
        actor=officer,
        reason=DOWNGRADE_REASON,
        required_actions="Train HR staff on reporting duties and deadlines\n"
        "Audit the records of every sponsored worker\n"
        "Report the missing absence",
    )
    plan = ActionPlan.objects.get(sponsor=sponsor)
    payment = compliance.action_plan_payment_start(plan=plan, actor=level_1, return_url="/")
    if payment.provider == "sandbox":
        SandboxPayment.objects.filter(provider_id=payment.provider_id).update(state="success")
        compliance.action_plan_payment_confirm(plan=plan)
    plan.refresh_from_db()
    if plan.status == ActionPlan.Status.IN_PROGRESS:
        compliance.action_progress_record(
            action=plan.actions.get(number=1),
            actor=level_1,
            progress="in_progress",
            notes="Half-day course booked for the HR team; 3 of 5 staff trained so far.",
            uploads=[SimpleUploadedFile("training-attendance.pdf", PDF)],
        )


def _additional_level_1(sponsor, level_1):
    """Waits for a decision: the licence has a B-rated route, so it is not approved automatically."""
    if SponsorRequest.objects.filter(sponsor=sponsor, kind=SponsorRequest.Kind.ADDITIONAL_LEVEL_1).exists():
        return
    additional_level_1_request_submit(
        sponsor=sponsor,
        actor=level_1,
        email="ops.manager@riverside-logistics.example",
        given_name="Marta",
        family_name="Nowak",
    )


def _renewal(sponsor, level_1):
    if SponsorRequest.objects.filter(sponsor=sponsor, kind=SponsorRequest.Kind.RENEWAL).exists():
        return
    if renewal_allowed(sponsor.licence, timezone.localdate()):
        request = renewal_request_submit(sponsor=sponsor, actor=level_1, declaration_confirmed=True)
        # The Level 1 user pays the renewal fee (in the sandbox): only then does it reach the queue.
        payment = renewal_payment_start(request=request, actor=level_1, return_url="/")
        if payment.provider == "sandbox":
            SandboxPayment.objects.filter(provider_id=payment.provider_id).update(state="success")
            payment_confirm(payment=payment)


def _variation(sponsor, level_1):
    if SponsorRequest.objects.filter(sponsor=sponsor, kind=SponsorRequest.Kind.LINKED_ENTITIES).exists():
        return
    variation_request_submit(
        sponsor=sponsor,
        actor=level_1,
        kind=SponsorRequest.Kind.LINKED_ENTITIES,
        details="Add our new branch, Northern Engineering (Glasgow), 40 Clyde Street, Glasgow G1 4JX.",
        uploads=[SimpleUploadedFile("glasgow-branch-lease.pdf", PDF)],
    )


def _suspension(sponsor, level_1, officer):
    if Representation.objects.filter(sponsor=sponsor).exists():
        return
    if sponsor.licence.status != Licence.Status.SUSPENDED:
        licence_suspend(
            licence=sponsor.licence,
            actor=officer,
            reason=SUSPENSION_REASON,
            on=timezone.localdate() - timedelta(days=6),
        )
        sponsor.refresh_from_db()
    compliance.representations_submit(
        sponsor=sponsor,
        actor=level_1,
        text="We have since completed right to work checks for all 9 workers and changed our onboarding so "
        "no one starts work before the check is recorded. The evidence is attached.",
        uploads=[SimpleUploadedFile("right-to-work-checks.pdf", PDF)],
    )


def _planned_visit(sponsor, officer):
    if ComplianceVisit.objects.filter(sponsor=sponsor, status=ComplianceVisit.Status.PLANNED).exists():
        return
    visit_plan(
        actor=officer,
        sponsor=sponsor,
        visit_date=timezone.localdate() + timedelta(days=14),
        announced=True,
        officer=officer,
    )


MESSAGES = [
    {
        "subject": "Certificate allocations for the new year",
        "body": "Check your allocation before your allocation year ends and request more in good time.",
    },
    {
        "subject": "Global Business Mobility: changes to the Senior or Specialist Worker route",
        "body": "From next month, the minimum salary for the Senior or Specialist Worker route changes. "
        "Check the certificates you plan to assign.",
        "routes": [Route.GBM_SENIOR_SPECIALIST],
    },
]


def _messages(staff):
    today = timezone.localdate()
    for message in MESSAGES:
        if not Message.objects.filter(subject=message["subject"]).exists():
            message_post(actor=staff, publish_on=today, **message)
