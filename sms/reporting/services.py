"""The worker register, recording facts, and reporting obligations (domain.md section 5).

Facts open obligations by themselves: a service records a fact, derives what it makes reportable and
opens the obligation with its computed deadlines. Time-based duties (an absence reaching its 10th
working day, a worker not starting, a student not enrolling) are opened by the daily sweep with
set-based queries. Opening is idempotent: each obligation has a source key, unique per sponsor.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.dispatch import receiver
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.accounts.policy import Action, can
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates.models import Certificate, SalaryThreshold
from sms.core.exceptions import DomainError
from sms.core.lifecycle import lock, transition
from sms.core.selectors import closure_days
from sms.core.uploads import safe_display_name, validate_upload
from sms.licensing.models import Licence, ReportableChange
from sms.licensing.signals import reportable_change_recorded
from sms.notifications.services import email_enqueue
from sms.reporting import detection
from sms.reporting.catalogue import EVENTS
from sms.reporting.models import Fact, Obligation, SponsoredPerson

Kind = Fact.Kind


def _nation(sponsor_id) -> str:
    return Licence.objects.filter(sponsor_id=sponsor_id).values_list("nation", flat=True).first() or "england-and-wales"


# The register.


@transaction.atomic
def person_register_from_certificate(*, certificate: Certificate, actor: User) -> SponsoredPerson:
    """Add the worker or student a certificate was assigned to, to the register."""
    if actor.sponsor_id != certificate.sponsor_id or not can(actor, Action.CREATE_CERTIFICATE):
        raise PermissionDenied
    if certificate.status not in (Certificate.Status.ASSIGNED, Certificate.Status.USED):
        raise DomainError("Only an assigned or used certificate's holder can be added to the register")
    if SponsoredPerson.objects.filter(certificate=certificate).exists():
        raise DomainError("This person is already on the register")
    is_student = certificate.kind == Certificate.Kind.CAS
    person = SponsoredPerson.objects.create(
        sponsor_id=certificate.sponsor_id,
        certificate=certificate,
        kind=SponsoredPerson.Kind.STUDENT if is_student else SponsoredPerson.Kind.WORKER,
        family_name=certificate.family_name,
        given_names=certificate.given_names,
        nationality=certificate.nationality,
        date_of_birth=certificate.date_of_birth,
        passport_number=certificate.passport_number,
        employee_number=certificate.employee_number,
        job_title=certificate.job_title,
        soc_code=certificate.soc_code,
        salary_pence=certificate.salary_pence,
        weekly_hours=certificate.weekly_hours,
        work_address=certificate.work_address,
        expected_start=certificate.start_date,
        permission_start=certificate.permission_start,
        permission_end=certificate.permission_end,
        # A student must enrol by the course start date unless the sponsor records a later deadline.
        enrolment_deadline=certificate.start_date if is_student else None,
        created_by=actor,
    )
    _refresh_start_window(person)
    audit.record(
        actor=actor, verb=Verb.PERSON_REGISTERED, target=person, payload={"certificate": certificate.reference}
    )
    return person


def _refresh_start_window(person: SponsoredPerson) -> None:
    person.start_window_ends = detection.start_window_end(
        certificate_start=person.expected_start,
        permission_start=person.permission_start,
        visa_granted_on=person.visa_granted_on,
    )
    person.save(update_fields=["start_window_ends", "updated_at"])


# Obligations.


def may_report(user: User, obligation: Obligation) -> bool:
    """The policy decides: Level 1 any; Level 2 only their own (see ``Obligation.created_by_id``)."""
    return user.sponsor_id == obligation.sponsor_id and can(user, Action.REPORT_ACTIVITY, obligation)


def _deadline_pair(*, sponsor: Sponsor, event_code: str, trigger: date, closures=None) -> tuple[date, date]:
    nation = _nation(sponsor.pk)
    return detection.deadlines(
        trigger,
        working_days=EVENTS[event_code].working_days,
        target_working_days=sponsor.internal_target_working_days,
        nation=nation,
        closures=closure_days(nation=nation) if closures is None else closures,
    )


def obligation_open(
    *,
    sponsor: Sponsor,
    event: str,
    trigger_date: date,
    source_key: str,
    person: SponsoredPerson | None = None,
    fact: Fact | None = None,
    reportable_change: ReportableChange | None = None,
    actor=None,
) -> Obligation | None:
    """Open an obligation with its computed deadlines, unless one from the same source exists.

    Returns the new obligation, or None when it was already open (detection runs again safely).
    """
    if event not in EVENTS:
        raise DomainError("Select an event from the list")
    if Obligation.objects.filter(sponsor=sponsor, source_key=source_key).exists():
        return None
    legal, target = _deadline_pair(sponsor=sponsor, event_code=event, trigger=trigger_date)
    try:
        with transaction.atomic():
            obligation = Obligation.objects.create(
                sponsor=sponsor,
                person=person,
                fact=fact,
                reportable_change=reportable_change,
                event=event,
                trigger_date=trigger_date,
                legal_deadline=legal,
                target_date=target,
                source_key=source_key,
                opened_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        return None  # opened by a parallel run a moment ago
    audit.record(
        actor=actor,
        verb=Verb.OBLIGATION_OPENED,
        target=obligation,
        sponsor=sponsor,
        payload={"event": event, "trigger_date": trigger_date.isoformat(), "legal_deadline": legal.isoformat()},
    )
    obligation_notify(obligation)
    return obligation


def level_1_emails(sponsor_id) -> set[str]:
    return set(
        User.objects.filter(sponsor_id=sponsor_id, level=User.Level.LEVEL_1, is_active=True).values_list(
            "email", flat=True
        )
    )


def obligation_notify(obligation: Obligation, *, level_1: set[str] | None = None) -> None:
    """Email the sponsor's Level 1 users, and the Level 2 user whose certificate it is, that a report is due.

    ``level_1`` lets the sweep look the Level 1 users up once per sponsor.
    """
    recipients = set(level_1_emails(obligation.sponsor_id) if level_1 is None else level_1)
    certificate = obligation.person.certificate if obligation.person_id else None
    if (
        certificate is not None
        and certificate.created_by.is_active
        and certificate.created_by.sponsor_id == obligation.sponsor_id
    ):
        recipients.add(certificate.created_by.email)
    about = f" about {obligation.person.full_name}" if obligation.person_id else ""
    for email in sorted(recipients):
        email_enqueue(
            to=email,
            subject=f"Report to the Home Office by {obligation.legal_deadline:%-d %B %Y}",
            body=(
                f"A change{about} must be reported: {obligation.get_event_display()}.\n\n"
                f"It happened on {obligation.trigger_date:%-d %B %Y}. The legal deadline is "
                f"{obligation.legal_deadline:%-d %B %Y}; your own target is {obligation.target_date:%-d %B %Y}.\n\n"
                "Sign in to the Sponsor Management System and open Obligations to report it."
            ),
        )


@transaction.atomic
def obligation_open_by_hand(
    *, sponsor: Sponsor, actor: User, event: str, trigger_date: date, person=None, details: str = ""
) -> Obligation:
    """A user opens an obligation for any catalogue event (e.g. a breach of conditions)."""
    if not can(actor, Action.REPORT_ACTIVITY) or actor.sponsor_id != sponsor.pk:
        raise PermissionDenied
    if trigger_date > timezone.localdate():
        raise DomainError("The date of the event must be today or in the past")
    if person is not None and person.sponsor_id != sponsor.pk:
        raise PermissionDenied
    key = f"manual:{timezone.now().timestamp()}:{actor.pk}"
    obligation = obligation_open(
        sponsor=sponsor, event=event, trigger_date=trigger_date, source_key=key, person=person, actor=actor
    )
    if details:
        obligation.report = {"opened_with": details}
        obligation.save(update_fields=["report", "updated_at"])
    return obligation


@transaction.atomic
def obligation_report(
    *, obligation: Obligation, actor: User, report: dict, uploads: list, declaration: bool
) -> Obligation:
    """Submit the report: who and when are recorded, and it is on time or late against the legal deadline."""
    obligation = lock(Obligation, obligation.pk)
    if not may_report(actor, obligation):
        raise PermissionDenied
    if not declaration:
        raise DomainError("Confirm the declaration to send the report")
    today = timezone.localdate()
    status = (
        Obligation.Status.REPORTED_ON_TIME if today <= obligation.legal_deadline else Obligation.Status.REPORTED_LATE
    )
    for upload in uploads:
        content_type = validate_upload(upload)
        obligation.evidence.create(
            file=upload, original_name=safe_display_name(upload.name), content_type=content_type, size=upload.size
        )
    obligation.report = {**obligation.report, **report}
    obligation.reported_by = actor
    obligation.reported_at = timezone.now()
    transition(obligation, status, extra_fields=("report", "reported_by", "reported_at"))
    audit.record(
        actor=actor,
        verb=Verb.OBLIGATION_REPORTED,
        target=obligation,
        payload={"event": obligation.event, "status": status, "legal_deadline": obligation.legal_deadline.isoformat()},
    )
    return obligation


@transaction.atomic
def obligation_cancel(*, obligation: Obligation, actor: User, reason: str) -> Obligation:
    """Cancel an obligation opened in error, with the reason (Level 1 users)."""
    obligation = lock(Obligation, obligation.pk)
    if actor.sponsor_id != obligation.sponsor_id or not can(actor, Action.CANCEL_OBLIGATION):
        raise PermissionDenied
    if not reason.strip():
        raise DomainError("Enter why the obligation is cancelled")
    obligation.cancel_reason = reason.strip()
    transition(obligation, Obligation.Status.CANCELLED, extra_fields=("cancel_reason",))
    audit.record(
        actor=actor, verb=Verb.OBLIGATION_CANCELLED, target=obligation, payload={"reason": obligation.cancel_reason}
    )
    return obligation


# Facts.

FACT_EVENT = {
    Kind.ROLE_CHANGE: "role_change",
    Kind.LOCATION_CHANGE: "work_location_change",
    Kind.EMPLOYMENT_ENDED: "employment_ended",
    Kind.STUDENT_WITHDRAWN: "student_withdrawn",
    Kind.STUDENT_SUSPENDED: "student_suspended",
    Kind.STUDENT_COMPLETED_EARLY: "student_completed_early",
}


def _check_fact(person: SponsoredPerson, kind: str, start: date, end: date | None, values: dict) -> None:
    today = timezone.localdate()
    if start > today:
        raise DomainError("The date must be today or in the past")
    if end and end < start:
        raise DomainError("The end date must be on or after the start date")
    if kind == Kind.ABSENCE and (values.get("authorised") is None or values.get("paid") is None):
        raise DomainError("Say whether the absence was authorised and whether it was paid")
    if kind == Kind.SALARY_CHANGE and not values.get("new_salary_pence"):
        raise DomainError("Enter the new gross annual salary")
    if kind in (Kind.ROLE_CHANGE, Kind.LOCATION_CHANGE) and not (values.get("new_value") or "").strip():
        raise DomainError("Enter the new job title or address")
    student_only = {Kind.ENROLLED, Kind.STUDENT_WITHDRAWN, Kind.STUDENT_SUSPENDED, Kind.STUDENT_COMPLETED_EARLY}
    worker_only = {Kind.SALARY_CHANGE, Kind.ROLE_CHANGE, Kind.LOCATION_CHANGE, Kind.EMPLOYMENT_ENDED}
    if person.kind == SponsoredPerson.Kind.WORKER and kind in student_only:
        raise DomainError("That fact is about students")
    if person.kind == SponsoredPerson.Kind.STUDENT and kind in worker_only:
        raise DomainError("That fact is about workers")


@transaction.atomic
def fact_record(
    *, person: SponsoredPerson, actor: User, kind: str, start_date: date, end_date: date | None = None, **values
) -> Fact:
    """Record something that happened to a sponsored person, update the register, and open any
    obligation it makes reportable now."""
    if actor.sponsor_id != person.sponsor_id or not can(actor, Action.REPORT_ACTIVITY):
        raise PermissionDenied
    _check_fact(person, kind, start_date, end_date, values)
    nation = _nation(person.sponsor_id)
    closures = closure_days(nation=nation)
    fact = Fact(
        sponsor_id=person.sponsor_id,
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        authorised=values.get("authorised"),
        paid=values.get("paid"),
        leave_reason=values.get("leave_reason") or "",
        new_salary_pence=values.get("new_salary_pence"),
        new_value=(values.get("new_value") or "").strip(),
        notes=(values.get("notes") or "").strip(),
        recorded_by=actor,
    )
    if kind == Kind.ABSENCE and fact.authorised is False:
        fact.reportable_from = detection.absence_reportable_from(start_date, nation=nation, closures=closures)
    fact.save()
    previous_salary = person.salary_pence
    _apply_to_register(person, fact)
    audit.record(
        actor=actor,
        verb=Verb.FACT_RECORDED,
        target=person,
        payload={
            "kind": kind,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else None,
        },
    )
    _detect_from_fact(
        fact, previous_salary=previous_salary, today=timezone.localdate(), actor=actor, closures=closures, nation=nation
    )
    return fact


def _apply_to_register(person: SponsoredPerson, fact: Fact) -> None:
    fields = []
    if fact.kind == Kind.START_CONFIRMED:
        person.confirmed_start, person.status = fact.start_date, SponsoredPerson.Status.ACTIVE
        fields += ["confirmed_start", "status"]
    elif fact.kind == Kind.ENROLLED:
        person.enrolled_on, person.confirmed_start, person.status = (
            fact.start_date,
            fact.start_date,
            SponsoredPerson.Status.ACTIVE,
        )
        fields += ["enrolled_on", "confirmed_start", "status"]
    elif fact.kind in (Kind.EMPLOYMENT_ENDED, Kind.STUDENT_WITHDRAWN, Kind.STUDENT_COMPLETED_EARLY):
        person.left_on, person.status = fact.start_date, SponsoredPerson.Status.LEFT
        fields += ["left_on", "status"]
    elif fact.kind == Kind.SALARY_CHANGE:
        person.salary_pence = fact.new_salary_pence
        fields.append("salary_pence")
    elif fact.kind == Kind.ROLE_CHANGE:
        person.job_title = fact.new_value
        fields.append("job_title")
    elif fact.kind == Kind.LOCATION_CHANGE:
        person.work_address = fact.new_value
        fields.append("work_address")
    if fields:
        person.save(update_fields=[*fields, "updated_at"])


def _salary_floor(person: SponsoredPerson, on: date) -> int | None:
    """The lowest salary that needs no report: the certificate's figure or the route's threshold."""
    figures = []
    certificate = person.certificate
    if certificate is not None and certificate.salary_pence:
        figures.append(certificate.salary_pence)
        threshold = (
            SalaryThreshold.objects.filter(route=certificate.route, effective_from__lte=on)
            .order_by("-effective_from")
            .first()
        )
        if threshold:
            figures.append(threshold.general_threshold_pence)
    return max(figures) if figures else None


def _detect_from_fact(fact: Fact, *, previous_salary, today: date, actor, closures, nation) -> None:
    person = fact.person
    sponsor = person.sponsor
    if fact.kind in FACT_EVENT:
        obligation_open(
            sponsor=sponsor, event=FACT_EVENT[fact.kind], trigger_date=fact.start_date,
            source_key=f"fact:{fact.pk}", person=person, fact=fact, actor=actor,
        )  # fmt: skip
    elif fact.kind == Kind.SALARY_CHANGE:
        floor = _salary_floor(person, fact.start_date)
        reduced = previous_salary is not None and fact.new_salary_pence < previous_salary
        if reduced or (floor is not None and fact.new_salary_pence < floor):
            obligation_open(
                sponsor=sponsor, event="salary_change", trigger_date=fact.start_date,
                source_key=f"fact:{fact.pk}", person=person, fact=fact, actor=actor,
            )  # fmt: skip
    elif fact.kind == Kind.ABSENCE and fact.authorised is False:
        trigger = detection.absence_is_reportable(
            start=fact.start_date, end=fact.end_date, today=today, nation=nation, closures=closures
        )
        if trigger:
            event = "student_absence" if person.kind == SponsoredPerson.Kind.STUDENT else "unauthorised_absence"
            obligation_open(
                sponsor=sponsor,
                event=event,
                trigger_date=trigger,
                source_key=f"fact:{fact.pk}",
                person=person,
                fact=fact,
                actor=actor,
            )
    if fact.kind == Kind.ABSENCE and fact.paid is False and person.kind == SponsoredPerson.Kind.WORKER:
        year = fact.start_date.year
        leave = [
            detection.Leave(other.start_date, other.end_date, other.leave_reason)
            for other in person.facts.filter(kind=Kind.ABSENCE, paid=False).filter(
                Q(start_date__year=year) | Q(end_date__year=year) | Q(end_date__isnull=True)
            )
        ]
        trigger = detection.unpaid_leave_trigger(leave, year=year, today=today)
        if trigger:
            obligation_open(
                sponsor=sponsor, event="unpaid_leave", trigger_date=trigger,
                source_key=f"person:{person.pk}:unpaid_leave:{year}", person=person, actor=actor,
            )  # fmt: skip


@receiver(reportable_change_recorded)
def reportable_change_open_obligation(*, change: ReportableChange, actor=None, **kwargs) -> Obligation | None:
    """An organisation change opens its obligation (sent by licensing when it records the change)."""
    return obligation_open(
        sponsor=change.sponsor,
        event=change.event,
        trigger_date=change.effective_date,
        source_key=f"change:{change.pk}",
        reportable_change=change,
        actor=actor,
    )


# The daily sweep.


@transaction.atomic
def obligations_sweep(*, today: date | None = None) -> dict[str, int]:
    """Open every obligation whose trigger has passed and mark overdue ones. Set-based: each rule is
    one query for what is due and has no obligation yet, then one bulk insert; running it twice
    changes nothing."""
    today = today or timezone.localdate()
    opened = {}

    did_not_start = SponsoredPerson.objects.filter(
        kind=SponsoredPerson.Kind.WORKER,
        status=SponsoredPerson.Status.EXPECTED,
        confirmed_start__isnull=True,
        start_window_ends__lt=today,
    ).exclude(Exists(Obligation.objects.filter(person_id=OuterRef("pk"), event="worker_did_not_start")))
    opened["worker_did_not_start"] = _bulk_open(
        [(person.sponsor, "worker_did_not_start", person.start_window_ends, f"person:{person.pk}:did_not_start", person, None, None)  # noqa: E501
         for person in did_not_start.select_related("sponsor")]
    )  # fmt: skip

    not_enrolled = (
        SponsoredPerson.objects.filter(
            kind=SponsoredPerson.Kind.STUDENT, enrolled_on__isnull=True, enrolment_deadline__lt=today
        )
        .exclude(status=SponsoredPerson.Status.LEFT)
        .exclude(Exists(Obligation.objects.filter(person_id=OuterRef("pk"), event="student_not_enrolled")))
    )
    opened["student_not_enrolled"] = _bulk_open(
        [(person.sponsor, "student_not_enrolled", person.enrolment_deadline, f"person:{person.pk}:not_enrolled", person, None, None)  # noqa: E501
         for person in not_enrolled.select_related("sponsor")]
    )  # fmt: skip

    absences = (
        Fact.objects.filter(kind=Kind.ABSENCE, authorised=False, reportable_from__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=F("reportable_from")))
        .exclude(Exists(Obligation.objects.filter(fact_id=OuterRef("pk"))))
    )
    opened["absences"] = _bulk_open(
        [(fact.person.sponsor,
          "student_absence" if fact.person.kind == SponsoredPerson.Kind.STUDENT else "unauthorised_absence",
          fact.reportable_from, f"fact:{fact.pk}", fact.person, fact, None)
         for fact in absences.select_related("person__sponsor")]
    )  # fmt: skip

    changes = ReportableChange.objects.exclude(Exists(Obligation.objects.filter(reportable_change_id=OuterRef("pk"))))
    opened["organisation"] = _bulk_open(
        [(change.sponsor, change.event, change.effective_date, f"change:{change.pk}", None, None, change)
         for change in changes.select_related("sponsor")]
    )  # fmt: skip

    opened["marked_overdue"] = Obligation.objects.filter(
        status=Obligation.Status.OPEN, legal_deadline__lt=today, overdue=False
    ).update(overdue=True)
    return opened


def _bulk_open(rows) -> int:
    """Create obligations for (sponsor, event, trigger, key, person, fact, change) rows in one insert,
    computing each deadline with the sponsor's nation and closure days (fetched once per nation)."""
    if not rows:
        return 0
    sponsor_ids = {row[0].pk for row in rows}
    nations = dict(Licence.objects.filter(sponsor_id__in=sponsor_ids).values_list("sponsor_id", "nation"))
    closures_by_nation: dict[str, frozenset] = {}
    obligations = []
    for sponsor, event, trigger, key, person, fact, change in rows:
        nation = nations.get(sponsor.pk, "england-and-wales")
        closures = closures_by_nation.setdefault(nation, closure_days(nation=nation))
        legal, target = detection.deadlines(
            trigger,
            working_days=EVENTS[event].working_days,
            target_working_days=sponsor.internal_target_working_days,
            nation=nation,
            closures=closures,
        )
        obligations.append(
            Obligation(
                sponsor=sponsor, person=person, fact=fact, reportable_change=change, event=event,
                trigger_date=trigger, legal_deadline=legal, target_date=target, source_key=key,
            )
        )  # fmt: skip
    created = Obligation.objects.bulk_create(obligations, ignore_conflicts=True)
    level_1_by_sponsor = {sponsor_id: level_1_emails(sponsor_id) for sponsor_id in sponsor_ids}
    for obligation in Obligation.objects.filter(
        sponsor_id__in=sponsor_ids, source_key__in=[o.source_key for o in obligations]
    ).select_related("person__certificate__created_by"):
        obligation_notify(obligation, level_1=level_1_by_sponsor[obligation.sponsor_id])
    by_sponsor: dict[int, int] = {}
    for obligation in obligations:
        by_sponsor[obligation.sponsor_id] = by_sponsor.get(obligation.sponsor_id, 0) + 1
    for sponsor_id, count in by_sponsor.items():
        audit.record(actor=None, verb=Verb.OBLIGATIONS_SWEPT, sponsor=Sponsor(pk=sponsor_id), payload={"opened": count})
    return len(created)
