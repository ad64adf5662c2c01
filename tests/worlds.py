"""A sponsor with one of everything, and a user of every role: the world the route-wide tests walk.

``ARGUMENTS`` gives, for every route that takes arguments, real objects of this world.
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sms.accounts.models import User
from sms.accounts.notices import alerts_raise
from sms.api.services import api_token_create
from sms.auditpack.models import AuditPack
from sms.certificates.models import AllocationRequest, CertificateImport
from sms.certificates.services.allocations import allocation_request_submit
from sms.certificates.services.certificates import certificate_assign, defined_cos_request_submit
from sms.certificates.tests.factories import complete_worker, draft, give_allocation
from sms.compliance.models import ActionPlan, Representation, RequiredAction
from sms.core.models import ClosureDay
from sms.core.uploads import documents_store
from sms.licensing.models import SponsorRequest
from sms.licensing.services import applications
from sms.licensing.services.personnel import work_site_add
from sms.licensing.services.requests import variation_request_submit
from sms.licensing.tests.paying import application_submit_and_pay
from sms.messageboard.services import message_post
from sms.notifications.models import Alert, Notice, Topic
from sms.notifications.services import AlertDraft, notice_post
from sms.payments.models import SandboxPayment
from sms.reporting.services.facts import fact_record, person_register_from_certificate
from sms.reporting.services.obligations import obligation_report
from sms.righttowork.services import rtw_check_record, training_record_add
from sms.trail.services import audit_export_produce, audit_export_request
from sms.visits.services import visit_plan
from sms.webhooks.models import EventType, WebhookDelivery, WebhookEvent
from sms.webhooks.services import webhook_endpoint_create
from tests.factories import make_staff_user

PDF = b"%PDF-1.4\n%%EOF\n"

# route name -> function(world) giving URL arguments that name a real object the role may reach.
ARGUMENTS = {
    "accounts:unlock_account": lambda w: {"user_id": w["level_2"].user_id},
    "licensing:edit_user": lambda w: {"user_id": w["level_2"].user_id},
    "licensing:deactivate_user": lambda w: {"user_id": w["level_2"].user_id},
    "licensing:reactivate_user": lambda w: {"user_id": w["level_2"].user_id},
    "licensing:resend_activation": lambda w: {"user_id": w["level_2"].user_id},
    "accounts:reactivate_account": lambda w: {"user_id": w["level_2"].user_id},
    "accounts:deactivate_account": lambda w: {"user_id": w["level_2"].user_id},
    "accounts:resend_activation_account": lambda w: {"user_id": w["level_2"].user_id},
    "licensing:replace_key_person": lambda w: {"role": "key-contact"},
    "licensing:close_work_site": lambda w: {"uuid": w["site"].uuid},
    "licensing:request_detail": lambda w: {"reference": w["request"].reference},
    "licensing:request_withdraw": lambda w: {"reference": w["request"].reference},
    "licensing:request_document": lambda w: {"reference": w["request"].reference, "uuid": w["request_document"].uuid},
    "certificates:detail": lambda w: {"uuid": w["certificate"].uuid},
    "certificates:import_progress": lambda w: {"uuid": w["certificate_import"].uuid},
    "certificates:edit": lambda w: {"uuid": w["draft"].uuid},
    "certificates:assign": lambda w: {"uuid": w["draft"].uuid},
    "certificates:withdraw": lambda w: {"uuid": w["certificate"].uuid},
    "certificates:add_note": lambda w: {"uuid": w["certificate"].uuid},
    "certificates:allocation_request": lambda w: {"reference": w["allocation_request"].reference},
    "certificates:withdraw_allocation_request": lambda w: {"reference": w["allocation_request"].reference},
    "certificates:ho_allocation_request": lambda w: {"reference": w["allocation_request"].reference},
    "certificates:ho_defined_request": lambda w: {"reference": w["defined_request"].reference},
    "certificates:ho_certificate": lambda w: {"reference": w["certificate"].reference},
    "certificates:ho_record_use": lambda w: {"reference": w["certificate"].reference},
    "certificates:ho_cancel": lambda w: {"reference": w["certificate"].reference},
    "reporting:register_certificate": lambda w: {"uuid": w["certificate"].uuid},
    "api:token_revoke": lambda w: {"uuid": w["api_token"].uuid},
    "webhooks:endpoint": lambda w: {"uuid": w["webhook_endpoint"].uuid},
    "webhooks:rotate": lambda w: {"uuid": w["webhook_endpoint"].uuid},
    "webhooks:switch": lambda w: {"uuid": w["webhook_endpoint"].uuid},
    "webhooks:delete": lambda w: {"uuid": w["webhook_endpoint"].uuid},
    "webhooks:replay": lambda w: {"uuid": w["webhook_endpoint"].uuid, "delivery": w["webhook_delivery"].uuid},
    "reporting:person": lambda w: {"uuid": w["person"].uuid},
    "alerts:read": lambda w: {"alert": w["alert"].pk},
    "reporting:record_fact": lambda w: {"uuid": w["person"].uuid, "kind": "absence"},
    "reporting:person_details": lambda w: {"uuid": w["person"].uuid},
    "reporting:end_absence": lambda w: {"uuid": w["person"].uuid, "fact": w["open_absence"].pk},
    "reporting:obligation": lambda w: {"uuid": w["open_obligation"].uuid},
    "reporting:report": lambda w: {"uuid": w["open_obligation"].uuid},
    "reporting:cancel": lambda w: {"uuid": w["open_obligation"].uuid},
    "reporting:evidence": lambda w: {"uuid": w["reported"].uuid, "document": w["reported"].evidence.get().uuid},
    "reporting:ho_report": lambda w: {"uuid": w["reported"].uuid},
    "reporting:ho_evidence": lambda w: {"uuid": w["reported"].uuid, "document": w["reported"].evidence.get().uuid},
    "licensing:ho_application": lambda w: {"reference": w["application"].reference},
    "portal:ho_application_grant": lambda w: {"reference": w["application"].reference},
    "licensing:ho_application_refuse": lambda w: {"reference": w["application"].reference},
    "licensing:ho_application_request_information": lambda w: {"reference": w["application"].reference},
    "licensing:ho_application_document": lambda w: {
        "reference": w["application"].reference,
        "uuid": w["application"].documents.get().uuid,
    },
    "licensing:ho_request": lambda w: {"reference": w["request"].reference},
    "licensing:ho_request_grant": lambda w: {"reference": w["request"].reference},
    "licensing:ho_request_refuse": lambda w: {"reference": w["request"].reference},
    "licensing:ho_request_document": lambda w: {
        "reference": w["request"].reference,
        "uuid": w["request_document"].uuid,
    },
    "licensing:ho_sponsor": lambda w: {"uuid": w["sponsor"].uuid},
    "licensing:ho_suspend": lambda w: {"uuid": w["sponsor"].uuid},
    "licensing:ho_reinstate": lambda w: {"uuid": w["sponsor"].uuid},
    "licensing:ho_revoke": lambda w: {"uuid": w["sponsor"].uuid},
    "compliance:ho_route_rating": lambda w: {"uuid": w["sponsor"].uuid, "route": "skilled_worker"},
    "compliance:ho_affected_workers": lambda w: {"uuid": w["sponsor"].uuid},
    "compliance:action_plan": lambda w: {"reference": w["plan"].reference},
    "compliance:action_plan_pay": lambda w: {"reference": w["plan"].reference},
    "compliance:action_plan_paid": lambda w: {"reference": w["plan"].reference},
    "compliance:action_progress": lambda w: {"reference": w["plan"].reference, "number": 1},
    "compliance:action_evidence": lambda w: {
        "reference": w["plan"].reference,
        "number": 1,
        "uuid": w["action_evidence"].uuid,
    },
    "compliance:ho_action_plan": lambda w: {"reference": w["plan"].reference},
    "compliance:ho_action_plan_decide": lambda w: {"reference": w["plan"].reference},
    "compliance:ho_action_evidence": lambda w: {
        "reference": w["plan"].reference,
        "number": 1,
        "uuid": w["action_evidence"].uuid,
    },
    "compliance:representation": lambda w: {"reference": w["representation"].reference},
    "compliance:representation_evidence": lambda w: {
        "reference": w["representation"].reference,
        "uuid": w["representation_evidence"].uuid,
    },
    "compliance:ho_representation": lambda w: {"reference": w["representation"].reference},
    "compliance:ho_representation_decide": lambda w: {"reference": w["representation"].reference},
    "compliance:ho_representation_evidence": lambda w: {
        "reference": w["representation"].reference,
        "uuid": w["representation_evidence"].uuid,
    },
    "payments:sandbox_pay": lambda w: {"provider_id": w["sandbox_payment"].provider_id},
    "licensing:request_pay": lambda w: {"reference": w["renewal"].reference},
    "licensing:request_paid": lambda w: {"reference": w["renewal"].reference},
    "certificates:allocation_request_pay": lambda w: {"reference": w["priority_request"].reference},
    "certificates:allocation_request_paid": lambda w: {"reference": w["priority_request"].reference},
    "certificates:allocation_request_without_priority": lambda w: {"reference": w["priority_request"].reference},
    "portal:closure_day_remove": lambda w: {"pk": w["closure"].pk},
    "referencedata:staff_role": lambda w: {"user_id": w["people"]["caseworker"].user_id},
    "visits:detail": lambda w: {"uuid": w["visit"].uuid},
    "visits:record": lambda w: {"uuid": w["visit"].uuid},
    "visits:sponsor_visits": lambda w: {"uuid": w["sponsor"].uuid},
    "visits:plan": lambda w: {"uuid": w["sponsor"].uuid},
    "casework:assign": lambda w: {"case_type": "allocation_request", "case_id": w["allocation_request"].pk},
    "casework:note": lambda w: {"case_type": "allocation_request", "case_id": w["allocation_request"].pk},
    "casework:sponsor": lambda w: {"uuid": w["sponsor"].uuid},
    "casework:sponsor_tab": lambda w: {"uuid": w["sponsor"].uuid, "tab": "certificates"},
    "casework:sponsor_user_action": lambda w: {
        "uuid": w["sponsor"].uuid,
        "user_id": w["level_2"].user_id,
        "what": "resend-activation",
    },
    "audit:export_status": lambda w: {"uuid": w["audit_export"].uuid},
    "audit:export_download": lambda w: {"uuid": w["audit_export"].uuid},
    "audit:home_office_export_status": lambda w: {"uuid": w["ho_audit_export"].uuid},
    "audit:home_office_export_download": lambda w: {"uuid": w["ho_audit_export"].uuid},
    "messageboard:message": lambda w: {"pk": w["message"].pk},
    "messageboard:notice": lambda w: {"pk": w["notice"].pk},
    "auditpack:detail": lambda w: {"uuid": w["audit_pack"].uuid},
    "auditpack:download": lambda w: {"uuid": w["audit_pack"].uuid, "format": "pdf"},
    "righttowork:file": lambda w: {"uuid": w["person"].uuid},
    "righttowork:record_check": lambda w: {"uuid": w["person"].uuid},
    "righttowork:evidence": lambda w: {
        "uuid": w["person"].uuid,
        "check": w["rtw_check"].uuid,
        "document": w["rtw_evidence"].uuid,
    },
    "righttowork:training_edit": lambda w: {"uuid": w["training_record"].uuid},
    "messageboard:ho_edit": lambda w: {"pk": w["message"].pk},
    "messageboard:ho_withdraw": lambda w: {"pk": w["message"].pk},
}


# Routes whose permission depends on the object (Level 2: only certificates they created, and for
# reporting, assigned).
OBJECT_OF_ROUTE = {
    "compliance:action_plan_pay": lambda w: w["plan"],
    "compliance:action_progress": lambda w: w["plan"],
    "certificates:withdraw": lambda w: w["certificate"],
    "certificates:add_note": lambda w: w["certificate"],
    "reporting:report": lambda w: w["open_obligation"],
    "reporting:record_fact": lambda w: w["person"],
    "reporting:person_details": lambda w: w["person"],
    "reporting:end_absence": lambda w: w["person"],
    "righttowork:record_check": lambda w: w["person"],
}


def compliance_world(sponsor, level_1) -> dict:
    """An action plan (paid, with evidence on its first action) and representations with evidence,
    made as rows: the world's licence stays active and A-rated for the other routes' tests."""
    today = date.today()
    plan = ActionPlan.objects.create(
        sponsor=sponsor,
        licence_route=sponsor.licence.routes.first(),
        reason="ACME-DOWNGRADE-REASON",
        fee_pence=157900,
        payment_due=today + timedelta(days=14),
        starts_on=today,
        ends_on=today + timedelta(days=90),
        status=ActionPlan.Status.IN_PROGRESS,
    )
    action = RequiredAction.objects.create(plan=plan, number=1, description="ACME-REQUIRED-ACTION")
    evidence = documents_store(action.evidence, [SimpleUploadedFile("plan.pdf", PDF)])[0]
    representation = Representation.objects.create(
        sponsor=sponsor,
        licence=sponsor.licence,
        suspended_on=today,
        text="ACME-REPRESENTATIONS",
        submitted_by=level_1,
    )
    representation_evidence = documents_store(representation.evidence, [SimpleUploadedFile("rep.pdf", PDF)])[0]
    return {
        "sandbox_payment": SandboxPayment.objects.create(
            provider_id="world-sandbox-payment",
            amount_pence=plan.fee_pence,
            reference="PWORLD",
            description=f"Action plan {plan.reference} fee",
            return_url="/",
        ),
        "plan": plan,
        "action_evidence": evidence,
        "required_action": action,
        "representation": representation,
        "representation_evidence": representation_evidence,
    }


def build_world(sponsor, level_1, level_2) -> dict:
    application = applications.application_start()
    answers = {
        "organisation": {"name": "Harbour Care Ltd"},
        "size": {"size": "small"},
        "routes": {"routes": ["skilled_worker"]},
        "authorising_officer": {
            "given_name": "Ada",
            "family_name": "Ng",
            "email": "ada@harbour.example",
            "declared_uk_based": True,
            "declared_no_unspent_convictions": True,
            "declared_not_bankrupt": True,
        },
        "key_contact": {"same_as": "authorising_officer"},
        "level_1": {"same_as": "authorising_officer"},
    }
    for section, value in answers.items():
        applications.application_save_answers(application=application, section=section, answers=value)
    applications.application_add_document(application=application, upload=SimpleUploadedFile("a.pdf", PDF))
    application_submit_and_pay(application)
    request = variation_request_submit(
        sponsor=sponsor,
        actor=level_1,
        kind=SponsorRequest.Kind.LINKED_ENTITIES,
        details="Branch",
        uploads=[SimpleUploadedFile("b.pdf", PDF)],
    )
    people = {
        "level_1": level_1,
        "level_2": level_2,
        **{role: make_staff_user(role=role, email=f"{role}@ho.example") for role in User.StaffRole.values},
    }
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Assigned"), actor=level_1)
    person = person_register_from_certificate(certificate=certificate, actor=level_1)
    fact_record(person=person, actor=level_1, kind="role_change", start_date=date.today(), new_value="Lead")
    open_absence = fact_record(
        person=person, actor=level_1, kind="absence", start_date=date.today(), authorised=True, pay="full"
    )
    fact_record(
        person=person, actor=level_1, kind="employment_ended", start_date=date.today(), end_reason="resignation"
    )
    reported = obligation_report(
        obligation=person.obligations.get(event="employment_ended"),
        actor=level_1,
        report={},
        uploads=[SimpleUploadedFile("c.pdf", PDF)],
        declaration=True,
    )
    # An alert both sponsor users got (Level 1 users and the Level 2 user it concerns).
    alerts_raise(
        [
            AlertDraft(
                sponsor_id=sponsor.pk, topic=Topic.OBLIGATIONS, rule="world", object_id=person.pk,
                subject="A report is due", link="/obligations/", concerns_user_id=level_2.pk,
            )
        ]
    )  # fmt: skip
    return {
        **message_board_world(sponsor, people["administrator"]),
        "alert": Alert.objects.get(sponsor=sponsor, rule="world"),
        # Background audit exports, produced: one by a Level 2 user (Level 1 may follow it too), one
        # by Home Office staff.
        "audit_export": audit_export_ready(level_2),
        "ho_audit_export": audit_export_ready(people["administrator"]),
        **compliance_world(sponsor, level_1),
        "audit_pack": audit_pack_world(sponsor, level_1),
        # A large file's import, refused, sent by a Level 2 user (every user who may upload sees it).
        "certificate_import": certificate_import_world(sponsor, level_2),
        **right_to_work_world(sponsor, level_1, person),
        **fees_world(sponsor, level_1),
        "person": person,
        "open_absence": open_absence,
        "open_obligation": person.obligations.get(event="role_change"),
        "reported": reported,
        "certificate": certificate,
        "draft": draft(sponsor, level_2, family_name="Drafted"),
        "allocation_request": allocation_request_submit(
            sponsor=sponsor, actor=level_1, kind="increase", requested={"worker": 3}, justification="More"
        ),
        "defined_request": defined_cos_request_submit(
            sponsor=sponsor, actor=level_1, data=complete_worker(family_name="Defined")
        ),
        "sponsor": sponsor,
        "level_2": level_2,
        "site": work_site_add(sponsor=sponsor, address="1 Site Road", opened_on=date(2026, 1, 5), actor=level_1),
        "application": application,
        "request": request,
        "request_document": request.documents.get(),
        "people": people,
        # A closure day far enough ahead to move no deadline the world's tests compute.
        "visit": visit_plan(
            actor=None,
            sponsor=sponsor,
            visit_date=date.today() + timedelta(days=30),
            announced=False,
            officer=people["compliance_officer"],
        ),
        **webhooks_world(sponsor, level_1),
        "api_token": api_token_create(
            actor=None, user=level_1, name="HR system", scope="read-write", expires_on=date.today() + timedelta(days=30)
        )[0],
        "closure": ClosureDay.objects.create(day=_weekday(date.today() + timedelta(days=400)), reason="Royal occasion"),
    }


def webhooks_world(sponsor, level_1) -> dict:
    """A webhook endpoint with one delivered event (so it can be sent again)."""
    endpoint, _ = webhook_endpoint_create(
        actor=level_1,
        sponsor=sponsor,
        url="https://acme-secret-hr.example/hook",
        events=[EventType.CERTIFICATE_STATUS_CHANGED],
        description="ACME-WEBHOOK",
    )
    # Made as rows (not through events_record), so no delivery task tries the address.
    event = WebhookEvent.objects.create(
        sponsor=sponsor, type=EventType.CERTIFICATE_STATUS_CHANGED, key="world", body='{"marker": "ACME-WEBHOOK-EVENT"}'
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, status=WebhookDelivery.Status.DELIVERED, attempts=1
    )
    return {"webhook_endpoint": endpoint, "webhook_delivery": delivery}


def audit_pack_world(sponsor, level_1) -> AuditPack:
    """A produced audit pack (its files stand in for what the worker writes)."""
    pack = AuditPack.objects.create(
        sponsor=sponsor,
        requested_by=level_1,
        period_start=date.today() - timedelta(days=30),
        period_end=date.today(),
        status=AuditPack.Status.READY,
        progress=100,
    )
    pack.pdf_file.save("pack.pdf", ContentFile(PDF), save=False)
    pack.zip_file.save("pack.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    pack.save()
    return pack


def certificate_import_world(sponsor, requested_by) -> CertificateImport:
    """A large CSV file's background import, refused with its problems by row and column (made as the
    worker leaves one: its file already deleted)."""
    return CertificateImport.objects.create(
        sponsor=sponsor,
        requested_by=requested_by,
        status=CertificateImport.Status.REFUSED,
        file_name="ACME-INTAKE.csv",
        rows=2500,
        rows_checked=2500,
        problems=[[2, "soc_code", "SOC 2020 occupation code must be 4 digits, like 2134"], [9, "route", "ACME-ROUTE"]],
        problem_count=2,
        finished_at=timezone.now(),
    )


def right_to_work_world(sponsor, level_1, person) -> dict:
    """A time-limited right-to-work check of ``person`` with its evidence, and a training record."""
    check = rtw_check_record(
        person=person,
        actor=level_1,
        checked_on=date.today(),
        method="online",
        share_code="W12 3AB 45C",
        result="time_limited",
        permission_end=date.today() + timedelta(days=400),
        checked_by=level_1,
        uploads=[SimpleUploadedFile("rtw.pdf", PDF)],
        notes="ACME-RTW-NOTE",
    )
    training = training_record_add(
        sponsor=sponsor, actor=level_1, user=level_1, course="ACME-TRAINING-COURSE", taken_on=date.today()
    )
    return {"rtw_check": check, "rtw_evidence": check.evidence.get(), "training_record": training}


def fees_world(sponsor, level_1) -> dict:
    """A renewal and a priority allocation request, each waiting for its fee (made as the services
    would, without depending on the licence's renewal window or ratings)."""
    return {
        "renewal": SponsorRequest.objects.create(
            sponsor=sponsor,
            kind=SponsorRequest.Kind.RENEWAL,
            status=SponsorRequest.Status.AWAITING_PAYMENT,
            fee_pence=157900,
            declaration_confirmed=True,
            created_by=level_1,
        ),
        "priority_request": AllocationRequest.objects.create(
            sponsor=sponsor,
            kind=AllocationRequest.Kind.INCREASE,
            status=AllocationRequest.Status.AWAITING_PAYMENT,
            year_start=date.today(),
            requested={"worker": 2},
            justification="New contract",
            priority=True,
            priority_fee_pence=35000,
            created_by=level_1,
        ),
    }


def audit_export_ready(actor):
    job = audit_export_request(actor=actor, sponsor=actor.sponsor, filters={})
    audit_export_produce(export_id=job.pk)
    job.refresh_from_db()
    return job


def message_board_world(sponsor, staff) -> dict:
    """A message only this sponsor is targeted by (the only small sponsor), and a notice on its board."""
    type(sponsor).objects.filter(pk=sponsor.pk).update(size="small")
    sponsor.size = "small"
    return {
        "message": message_post(
            actor=staff, subject="Board-Message-Marker", body="Read this.", publish_on=date.today(), sizes=["small"]
        ),
        "notice": notice_post(
            sponsor=sponsor, kind=Notice.Kind.DECISION, subject="Board-Notice-Marker", body="Granted."
        ),
    }


def _weekday(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day
