"""Applying for a sponsor licence through the system (seed 000; domain.md section 2).

An applicant fills in a draft (answers kept as given), adds documents and submits it with the fee in
force, then pays it through the payment provider: only a paid application reaches the Home Office
(until then it waits for payment, and a failed or abandoned payment may be tried again). A
caseworker may ask for more information (the applicant answers through an emailed link), then grants
or refuses. A grant creates the sponsor, licence, key personnel and the first Level 1
user, who gets an activation link; the Authorising Officer is told that user's ID.
"""

import hashlib
import secrets

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from sms.accounts import services as accounts
from sms.accounts.models import Sponsor, SponsorSize, User
from sms.accounts.notices import sponsor_tell
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.emails import canonical_email
from sms.core.exceptions import DomainError
from sms.core.lifecycle import check_transition, lock, transition
from sms.core.models import FeeRate, PolicyPeriod
from sms.core.selectors import fee_amount, period_months
from sms.core.uploads import documents_store
from sms.licensing.models import ROUTE_CATEGORY, KeyPersonRole, Licence, LicenceApplication, Route, RouteCategory
from sms.licensing.services.licence import licence_issue
from sms.licensing.services.personnel import PersonDetails, key_person_appoint
from sms.notifications.models import Notice
from sms.notifications.services import email_enqueue_template
from sms.payments import services as payment_services
from sms.payments.models import Payment
from sms.payments.signals import payment_finished

Status = LicenceApplication.Status
# The sections a complete application has (see the journey in views/apply.py).
REQUIRED_SECTIONS = ("organisation", "size", "routes", "authorising_officer", "key_contact", "level_1")
SAME_AS_AUTHORISING_OFFICER = "authorising_officer"
SAME_AS_KEY_CONTACT = "key_contact"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def person_for(answers: dict, section: str) -> dict:
    """The person named in a section, following "same as the Authorising Officer/Key Contact"."""
    entry = answers.get(section, {})
    same_as = entry.get("same_as", "")
    if same_as:
        return person_for(answers, same_as)
    return entry


# The application fee by type of licence: a Worker licence's depends on the sponsor's size; Temporary
# Worker only and Student only licences pay one figure whatever the size.
APPLICATION_FEE_KIND = {
    RouteCategory.WORKER: FeeRate.Kind.LICENCE_APPLICATION,
    RouteCategory.TEMPORARY_WORKER: FeeRate.Kind.LICENCE_APPLICATION_TEMPORARY_WORKER,
    RouteCategory.STUDENT: FeeRate.Kind.LICENCE_APPLICATION_STUDENT,
}


def application_fee_kinds(routes) -> set[str]:
    """The fee kinds of the types of licence the routes belong to."""
    return {APPLICATION_FEE_KIND[ROUTE_CATEGORY[route]] for route in routes}


def application_fee_basis(answers: dict) -> str:
    """What the fee was set by, in words: "Worker and Temporary Worker licence, small or charitable"."""
    routes = answers.get("routes", {}).get("routes", [])
    categories = [category for category in RouteCategory.values if category in {ROUTE_CATEGORY[r] for r in routes}]
    basis = " and ".join(RouteCategory(category).label for category in categories) + " licence"
    size = answers.get("size", {}).get("size", "")
    if RouteCategory.WORKER in categories and size:
        basis += f", {SponsorSize(size).label.lower()}"
    return basis


def application_fee(answers: dict, on) -> int:
    """The licence application fee in force on ``on`` for the routes and size applied for.

    One application pays one fee: the highest of its types' fees, so a Worker and Temporary Worker
    licence pays the Worker fee for its size, and a Temporary Worker only or Student only licence
    its own flat fee (docs/decisions.md, "Licence and allocation rules").
    """
    routes = answers.get("routes", {}).get("routes", [])
    if not routes:
        raise DomainError("Select the routes you are applying for to see the fee")
    size = answers["size"]["size"]
    return max(fee_amount(kind=kind, sponsor_size=size, on=on) for kind in application_fee_kinds(routes))


@transaction.atomic
def application_start() -> LicenceApplication:
    """A new, empty draft. The applicant is anonymous: audited with no actor."""
    application = LicenceApplication.objects.create()
    _audit_applicant_step(application, Verb.APPLICATION_STARTED, {"reference": application.reference})
    return application


def _audit_applicant_step(application: LicenceApplication, verb: Verb, payload: dict) -> None:
    """An anonymous applicant's step, on the Home Office chain, the application as the subject."""
    audit.record(actor=None, actor_label="Applicant", verb=verb, target=application, sponsor=None, payload=payload)


def level_1_email_in_use(answers: dict) -> str:
    """The first Level 1 user's email address when it already belongs to a user, else "".

    A grant creates the Level 1 user's account, and an email address can have only one.
    """
    email = person_for(answers, "level_1").get("email", "")
    return email if email and User.objects.filter(email=canonical_email(email)).exists() else ""


def _level_1_email_message(email: str) -> str:
    return (
        f"{email} already has an account on the service. The first Level 1 user needs a new account: "
        "give the email address of someone who does not have one"
    )


def _names_level_1(answers: dict, section: str) -> bool:
    """True when ``section`` holds the first Level 1 user's details (itself or through "same as")."""
    current = "level_1"
    while current:
        if current == section:
            return True
        current = answers.get(current, {}).get("same_as", "")
    return False


@transaction.atomic
def application_save_answers(*, application: LicenceApplication, section: str, answers: dict) -> LicenceApplication:
    """Keep one section's answers on a draft (the applicant can come back to change them).

    The answer that names the first Level 1 user is refused when their email address already has
    an account, at that question rather than at grant.
    """
    application = lock(LicenceApplication, application.pk)
    if application.status != Status.DRAFT:
        raise DomainError("This application has been submitted and can no longer be changed")
    merged = {**application.answers, section: answers}
    if _names_level_1(merged, section) and (taken := level_1_email_in_use(merged)):
        raise DomainError(_level_1_email_message(taken))
    application.answers = merged
    application.save(update_fields=["answers", "updated_at"])
    _audit_applicant_step(application, Verb.APPLICATION_ANSWERS_SAVED, {"section": section})
    return application


@transaction.atomic
@transaction.atomic
def application_add_document(*, application: LicenceApplication, upload, description: str = ""):
    """Attach a supporting document, checked by size and content, within the application's limits
    (``APPLICATION_MAX_DOCUMENTS`` files, ``APPLICATION_MAX_DOCUMENTS_BYTES`` in all)."""
    application = lock(LicenceApplication, application.pk)  # two uploads at once count one after the other
    if application.status not in (Status.DRAFT, Status.MORE_INFORMATION_REQUESTED):
        raise DomainError("Documents can no longer be added to this application")
    held = application.documents.aggregate(count=Count("id"), size=Sum("size"))
    most = settings.APPLICATION_MAX_DOCUMENTS
    if held["count"] >= most:
        raise DomainError(f"An application can have at most {most} document{'s' if most != 1 else ''}")
    if (held["size"] or 0) + upload.size > settings.APPLICATION_MAX_DOCUMENTS_BYTES:
        limit = settings.APPLICATION_MAX_DOCUMENTS_BYTES // (1024 * 1024)
        raise DomainError(f"The documents for one application must be smaller than {limit}MB in total")
    [document] = documents_store(application.documents, [upload], description=description)
    _audit_applicant_step(application, Verb.APPLICATION_DOCUMENT_ADDED, {"name": document.original_name})
    return document


def missing_sections(application: LicenceApplication) -> list[str]:
    """Sections not yet answered (a person section left empty, waiting for its details page, counts)."""
    return [section for section in REQUIRED_SECTIONS if not application.answers.get(section)]


def cooling_off_ends(answers: dict, on):
    """The day an organisation whose licence was revoked may apply again, when that is after ``on``
    (None otherwise). The organisation is matched by company number or by name (case and outer
    spaces ignored); the cooling-off period is the one in force on the day of the revocation."""
    organisation = answers.get("organisation") or {}
    name = (organisation.get("name") or "").strip()
    number = (organisation.get("registered_number") or "").strip()
    match = Q(pk__in=[])
    if name:
        match |= Q(sponsor__name__iexact=name)
    if number:
        match |= Q(sponsor__registered_number__iexact=number)
    latest = None
    for revoked_on in Licence.objects.filter(match, status=Licence.Status.REVOKED).values_list(
        "status_changed_on", flat=True
    ):
        months = period_months(kind=PolicyPeriod.Kind.REVOCATION_COOLING_OFF, on=revoked_on)
        ends = revoked_on + relativedelta(months=months)
        latest = max(latest, ends) if latest else ends
    return latest if latest and latest > on else None


@transaction.atomic
def application_submit(*, application: LicenceApplication, declaration_confirmed: bool) -> LicenceApplication:
    """Submit a complete draft with the fee in force today. It then waits for payment: it reaches the
    Home Office, and the applicant is emailed the reference, only once the fee is paid
    (``application_fee_paid``), as on the GOV.UK journey where the fee is paid on submission."""
    application = lock(LicenceApplication, application.pk)
    check_transition(application, Status.AWAITING_PAYMENT, only_from={Status.DRAFT})
    missing = missing_sections(application)
    if missing:
        raise DomainError("Answer every question before you submit the application")
    if taken := level_1_email_in_use(application.answers):
        raise DomainError(_level_1_email_message(taken))
    if not application.documents.exists():
        raise DomainError("Add at least one supporting document")
    if not declaration_confirmed:
        raise DomainError("Confirm the declaration to submit the application")
    if ends := cooling_off_ends(application.answers, timezone.localdate()):
        raise DomainError(
            "This organisation's sponsor licence was revoked. It cannot apply for a new licence until "
            f"{ends:%-d %B %Y}, when the cooling-off period ends"
        )
    for role in (KeyPersonRole.AUTHORISING_OFFICER, KeyPersonRole.KEY_CONTACT):
        PersonDetails.from_answers(person_for(application.answers, role)).check_suitable(role)
    application.fee_pence = application_fee(application.answers, timezone.localdate())
    transition(application, Status.AWAITING_PAYMENT, extra_fields=("fee_pence",), only_from={Status.DRAFT})
    audit.record(
        actor=None,
        actor_label=person_for(application.answers, "authorising_officer").get("email", "Applicant"),
        verb=Verb.APPLICATION_SUBMITTED,
        target=application,
        sponsor=None,
        payload={"reference": application.reference, "fee_pence": application.fee_pence},
    )
    return application


def application_payment_start(*, application: LicenceApplication, return_url: str) -> Payment:
    """Start paying a submitted application's fee (the anonymous applicant, from their session): the
    applicant is then sent to ``payment.next_url``. Payments still under way are confirmed first,
    so the fee is never taken twice."""
    payment_services.fee_payments_settle(
        purpose=Payment.Purpose.LICENCE_APPLICATION, subject_reference=application.reference
    )
    application.refresh_from_db()
    if application.status != Status.AWAITING_PAYMENT:
        raise DomainError("The fee for this application has already been paid")
    return payment_services.payment_start(
        sponsor=None,
        purpose=Payment.Purpose.LICENCE_APPLICATION,
        subject_reference=application.reference,
        amount_pence=application.fee_pence,
        description=f"Sponsor licence application {application.reference}",
        return_url=return_url,
        actor=None,
    )


def application_payment_confirm(*, application: LicenceApplication) -> Payment | None:
    """On the applicant's return: ask the provider (never the return address) about the payment."""
    return payment_services.fee_payment_confirm_latest(
        purpose=Payment.Purpose.LICENCE_APPLICATION, subject_reference=application.reference
    )


@receiver(payment_finished, dispatch_uid="licensing_application_fee_paid")
def application_fee_paid(sender, payment: Payment, **kwargs) -> None:
    """A confirmed payment of the fee submits the application to the Home Office (its queue) and the
    Authorising Officer is emailed the reference; any other outcome leaves it waiting for payment."""
    if payment.purpose != Payment.Purpose.LICENCE_APPLICATION or not payment.is_paid:
        return
    application = LicenceApplication.objects.select_for_update().filter(reference=payment.subject_reference).first()
    if application is None or application.status != Status.AWAITING_PAYMENT:
        return
    application.submitted_at = payment.confirmed_at
    application.payment_reference = payment.reference
    transition(
        application,
        Status.SUBMITTED,
        extra_fields=("submitted_at", "payment_reference"),
        only_from={Status.AWAITING_PAYMENT},
    )
    audit.record(
        actor=None,
        actor_label="Applicant",
        verb=Verb.APPLICATION_FEE_PAID,
        target=application,
        sponsor=None,
        payload={
            "reference": application.reference,
            "payment": payment.reference,
            "amount_pence": payment.amount_pence,
        },
    )
    email_enqueue_template(
        to=person_for(application.answers, "authorising_officer")["email"],
        template="application_received",
        context={"application": application},
    )


@transaction.atomic
def application_request_information(*, application: LicenceApplication, actor: User, request_text: str) -> str:
    """A caseworker asks for more documents or information; the applicant gets a single-use link.

    Returns the link (it is also emailed to the Authorising Officer).
    """
    require(actor, Action.DECIDE_CASES, application)
    if not request_text.strip():
        raise DomainError("Enter what information or documents the applicant must send")
    application = lock(LicenceApplication, application.pk)
    token = secrets.token_urlsafe(32)
    application.information_requested = request_text.strip()
    application.applicant_token_hash = _token_hash(token)
    transition(
        application, Status.MORE_INFORMATION_REQUESTED, extra_fields=("information_requested", "applicant_token_hash")
    )
    link = settings.SITE_URL.rstrip("/") + reverse(
        "licensing:apply_more_information", kwargs={"reference": application.reference, "token": token}
    )
    email_enqueue_template(
        to=person_for(application.answers, "authorising_officer")["email"],
        template="application_information_requested",
        context={"application": application, "request_text": request_text.strip(), "link": link},
    )
    audit.record(
        actor=actor,
        verb=Verb.APPLICATION_INFORMATION_REQUESTED,
        target=application,
        sponsor=None,
        payload={"request": application.information_requested},
    )
    return link


def application_for_token(*, reference: str, token: str) -> LicenceApplication | None:
    """The application waiting for more information that this emailed link belongs to, if any."""
    application = LicenceApplication.objects.filter(
        reference=reference, status=Status.MORE_INFORMATION_REQUESTED
    ).first()
    if application is None or not secrets.compare_digest(application.applicant_token_hash, _token_hash(token)):
        return None
    return application


@transaction.atomic
def application_provide_information(
    *, application: LicenceApplication, response: str, uploads: list
) -> LicenceApplication:
    """The applicant answers a request for information; the link is spent and the case goes back to the queue."""
    if not response.strip() and not uploads:
        raise DomainError("Enter a reply or add a document")
    application = lock(LicenceApplication, application.pk)
    check_transition(application, Status.SUBMITTED, only_from={Status.MORE_INFORMATION_REQUESTED})
    for upload in uploads:
        application_add_document(
            application=application, upload=upload, description="Sent when more information was requested"
        )
    replies = application.answers.get("information_replies", [])
    application.answers = {
        **application.answers,
        "information_replies": [*replies, {"request": application.information_requested, "reply": response.strip()}],
    }
    application.applicant_token_hash = ""
    transition(
        application,
        Status.SUBMITTED,
        extra_fields=("answers", "applicant_token_hash"),
        only_from={Status.MORE_INFORMATION_REQUESTED},
    )
    audit.record(
        actor=None,
        actor_label=person_for(application.answers, "authorising_officer").get("email", "Applicant"),
        verb=Verb.APPLICATION_INFORMATION_PROVIDED,
        target=application,
        sponsor=None,
        payload={"documents": len(uploads)},
    )
    return application


@transaction.atomic
def application_grant(
    *,
    application: LicenceApplication,
    actor: User,
    routes: list[str],
    validity_years: int | None = None,
    first_allocation: dict[str, int] | None = None,
) -> Sponsor:
    """Grant: create the sponsor, licence (A-rated routes), AO and KC, and the first Level 1 user.

    The first allocation is recorded on the application; ``sms.portal.decisions.application_grant``,
    which pages call, turns it into allocations in the same transaction.

    The Level 1 user receives a single-use activation link; the Authorising Officer is told the
    Level 1 user's ID (the real SMS posts it).
    """
    require(actor, Action.DECIDE_CASES, application)
    application = lock(LicenceApplication, application.pk)
    if not routes:
        raise DomainError("Select at least one route to grant")
    requested = set(application.answers.get("routes", {}).get("routes", []))
    if not set(routes) <= requested:
        raise DomainError("Grant only routes the applicant asked for")
    first_allocation = {key: int(value) for key, value in (first_allocation or {}).items() if value}
    if any(key not in RouteCategory.values for key in first_allocation):
        raise DomainError("Select a certificate category")
    # Certificates are allocated only for categories of routes the licence holds (domain.md section 4).
    granted_categories = {ROUTE_CATEGORY[route] for route in routes}
    for key in first_allocation:
        if key not in granted_categories:
            raise DomainError(
                f"No route granted is a {RouteCategory(key).label} route: allocate certificates only for the routes"
                " granted"
            )
    answers = application.answers
    organisation = answers["organisation"]
    addresses = answers.get("addresses", {})
    sponsor = Sponsor.objects.create(
        name=organisation["name"],
        registered_number=organisation.get("registered_number", ""),
        size=answers["size"]["size"],
        registered_address=addresses.get("registered_address", ""),
        trading_address=addresses.get("trading_address", ""),
    )
    licence = licence_issue(sponsor=sponsor, routes=routes, actor=actor, validity_years=validity_years)
    level_1_answers = person_for(answers, "level_1")
    level_1 = accounts.user_create(
        email=level_1_answers["email"],
        given_name=level_1_answers["given_name"],
        family_name=level_1_answers["family_name"],
        created_by=actor,
        sponsor=sponsor,
        level=User.Level.LEVEL_1,
    )
    for role in (KeyPersonRole.AUTHORISING_OFFICER, KeyPersonRole.KEY_CONTACT):
        person = person_for(answers, role)
        key_person_appoint(
            sponsor=sponsor,
            role=role,
            person=PersonDetails.from_answers(person),
            actor=actor,
            user=level_1 if canonical_email(person.get("email", "")) == level_1.email else None,
            effective_date=licence.start_date,
            reportable=False,
        )
    application.sponsor = sponsor
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.first_allocation = first_allocation
    transition(application, Status.GRANTED, extra_fields=("sponsor", "decided_at", "decided_by", "first_allocation"))
    authorising_officer = person_for(answers, "authorising_officer")
    email_enqueue_template(
        to=authorising_officer["email"],
        template="application_granted",
        context={
            "application": application,
            "sponsor": sponsor,
            "licence": licence,
            "route_labels": [Route(route).label for route in sorted(routes)],
            "level_1": level_1,
        },
    )
    audit.record(
        actor=actor,
        verb=Verb.APPLICATION_GRANTED,
        target=application,
        sponsor=sponsor,
        payload={"reference": application.reference, "licence": licence.number, "routes": sorted(routes)},
    )
    sponsor_tell(
        sponsor=sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Licence application {application.reference} granted",
        body=f"Your sponsor licence {licence.number} has been granted for: "
        + ", ".join(Route(route).label for route in sorted(routes))
        + ".",
        link=reverse("portal:licence_summary"),
        told={level_1.email},
    )
    return sponsor


@transaction.atomic
def application_refuse(*, application: LicenceApplication, actor: User, reasons: str) -> LicenceApplication:
    """Refuse, with reasons that the applicant is told."""
    require(actor, Action.DECIDE_CASES, application)
    if not reasons.strip():
        raise DomainError("Enter the reasons for refusing the application")
    application = lock(LicenceApplication, application.pk)
    application.refusal_reasons = reasons.strip()
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.applicant_token_hash = ""
    transition(
        application,
        Status.REFUSED,
        extra_fields=("refusal_reasons", "decided_at", "decided_by", "applicant_token_hash"),
    )
    email_enqueue_template(
        to=person_for(application.answers, "authorising_officer")["email"],
        template="application_refused",
        context={"application": application},
    )
    audit.record(
        actor=actor,
        verb=Verb.APPLICATION_REFUSED,
        target=application,
        sponsor=None,
        payload={"reference": application.reference, "reasons": application.refusal_reasons},
    )
    return application
