"""The worker register and the facts recorded about each person, which open obligations by themselves."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sms.accounts.models import User
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates.models import Certificate, SalaryThreshold
from sms.core.exceptions import DomainError
from sms.core.lifecycle import check_transition
from sms.core.selectors import closure_days
from sms.reporting import detection
from sms.reporting.models import Fact, Obligation, SponsoredPerson, fact_applies
from sms.reporting.services.obligations import obligation_cancel_unfounded, obligation_open, sponsor_nation
from sms.reporting.signals import permission_dates_changed

Kind = Fact.Kind


class FactDatesRefused(DomainError):
    """The fact's dates clash with what is already known (a CSV row names its start_date column)."""

    field = "start_date"


# The register.


@transaction.atomic
def person_register_from_certificate(*, certificate: Certificate, actor: User) -> SponsoredPerson:
    """Add the worker or student a certificate was assigned to, to the register.

    Idempotent: the certificate row is locked, so two people adding the same worker at once get the
    one register entry (one certificate, one person: a unique link), recorded once.
    """
    require(actor, Action.CREATE_CERTIFICATE, certificate)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status not in (Certificate.Status.ASSIGNED, Certificate.Status.USED):
        raise DomainError("Only an assigned or used certificate's holder can be added to the register")
    existing = SponsoredPerson.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
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


# Facts.

FACT_EVENT = {
    Kind.ROLE_CHANGE: "role_change",
    Kind.LOCATION_CHANGE: "work_location_change",
    Kind.EMPLOYMENT_ENDED: "employment_ended",
    Kind.STUDENT_WITHDRAWN: "student_withdrawn",
    Kind.STUDENT_SUSPENDED: "student_suspended",
    Kind.STUDENT_COMPLETED_EARLY: "student_completed_early",
}


LEAVING = (Kind.EMPLOYMENT_ENDED, Kind.STUDENT_WITHDRAWN, Kind.STUDENT_COMPLETED_EARLY)

# The register status a fact moves its person to, checked against SponsoredPerson.TRANSITIONS.
FACT_STATUS = {
    Kind.START_CONFIRMED: SponsoredPerson.Status.ACTIVE,
    Kind.ENROLLED: SponsoredPerson.Status.ACTIVE,
    Kind.EMPLOYMENT_ENDED: SponsoredPerson.Status.LEFT,
    Kind.STUDENT_WITHDRAWN: SponsoredPerson.Status.LEFT,
    Kind.STUDENT_COMPLETED_EARLY: SponsoredPerson.Status.LEFT,
}


def _check_fact(person: SponsoredPerson, kind: str, start: date, end: date | None, values: dict) -> None:
    today = timezone.localdate()
    if start > today and kind != Kind.EMPLOYMENT_ENDED:
        raise DomainError("The date must be today or in the past")
    if end and end < start:
        raise DomainError("The end date must be on or after the start date")
    if kind == Kind.ABSENCE and (values.get("authorised") is None or not values.get("pay")):
        raise DomainError("Say whether the absence was authorised and how it was paid")
    if kind == Kind.EMPLOYMENT_ENDED and not values.get("end_reason"):
        raise DomainError("Select why the employment ended")
    if kind == Kind.SALARY_CHANGE and not values.get("new_salary_pence"):
        raise DomainError("Enter the new gross annual salary")
    if kind in (Kind.ROLE_CHANGE, Kind.LOCATION_CHANGE) and not (values.get("new_value") or "").strip():
        raise DomainError("Enter the new job title or address")
    if not fact_applies(kind, person.kind):
        about = "students" if person.kind == SponsoredPerson.Kind.WORKER else "workers"
        raise DomainError(f"That fact is about {about}")
    if kind in LEAVING and person.left_on:
        raise DomainError(f"{person.full_name} is already recorded as leaving on {person.left_on:%-d %B %Y}")
    if kind == Kind.ABSENCE:
        _check_absence_dates(person, start, end)
    becomes = FACT_STATUS.get(kind)
    if becomes is not None and becomes != person.status:
        check_transition(person, becomes)


def _check_absence_dates(person: SponsoredPerson, start: date, end: date | None) -> None:
    """An absence starts once the person has started (or, before a confirmed start, once their
    certificate exists), and never overlaps an absence already recorded: the same days cannot be
    reported twice."""
    if person.confirmed_start and start < person.confirmed_start:
        raise FactDatesRefused(
            f"The absence starts before {person.full_name} started on {person.confirmed_start:%-d %B %Y}"
        )
    if not person.confirmed_start and person.certificate is not None:
        created = timezone.localdate(person.certificate.created_at)
        if start < created:
            raise FactDatesRefused(f"The absence starts before their certificate was created on {created:%-d %B %Y}")
    overlapping = person.facts.filter(kind=Kind.ABSENCE).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        overlapping = overlapping.filter(start_date__lte=end)
    other = overlapping.order_by("start_date").first()
    if other is not None:
        until = f"to {other.end_date:%-d %B %Y}" if other.end_date else "that has not ended"
        raise FactDatesRefused(
            f"These days overlap the absence from {other.start_date:%-d %B %Y} {until}, already recorded"
        )


@transaction.atomic
def fact_record(
    *, person: SponsoredPerson, actor: User, kind: str, start_date: date, end_date: date | None = None, **values
) -> Fact:
    """Record something that happened to a sponsored person, update the register, and open any
    obligation it makes reportable now."""
    require(actor, Action.REPORT_ACTIVITY, person)
    _check_fact(person, kind, start_date, end_date, values)
    nation = sponsor_nation(person.sponsor_id)
    closures = closure_days(nation=nation)
    fact = Fact(
        sponsor_id=person.sponsor_id,
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        authorised=values.get("authorised"),
        pay=values.get("pay") or "",
        leave_reason=values.get("leave_reason") or "",
        end_reason=values.get("end_reason") or "",
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
        payload={"kind": kind, **_dates_for_the_trail(kind, start_date, end_date)},
    )
    _detect_from_fact(
        fact, previous_salary=previous_salary, today=timezone.localdate(), actor=actor, closures=closures, nation=nation
    )
    return fact


def _dates_for_the_trail(kind: str, start: date, end: date | None) -> dict:
    """The fact's dates under the names a reader expects: a leaver's last day, an absence's first
    and last days, the date of anything else."""
    if kind in LEAVING:
        return {"last_day": start.isoformat()}
    if kind == Kind.ABSENCE:
        return {"first_day": start.isoformat(), **({"last_day": end.isoformat()} if end else {})}
    return {"date": start.isoformat()}


def _apply_to_register(person: SponsoredPerson, fact: Fact) -> None:
    """Copy what the fact changes onto the register; its status move was checked in ``_check_fact``.
    A future last day (a resignation with notice) is recorded now; the daily sweep moves the person
    to "left" when the day comes."""
    fields = []
    if fact.kind in FACT_STATUS and fact.start_date <= timezone.localdate():
        person.status = FACT_STATUS[fact.kind]
        fields.append("status")
    if fact.kind == Kind.START_CONFIRMED:
        person.confirmed_start = fact.start_date
        fields.append("confirmed_start")
    elif fact.kind == Kind.ENROLLED:
        person.enrolled_on, person.confirmed_start = fact.start_date, fact.start_date
        fields += ["enrolled_on", "confirmed_start"]
    elif fact.kind in LEAVING:
        person.left_on = fact.start_date
        fields.append("left_on")
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
    if fact.kind in FACT_EVENT and fact.start_date <= today:  # a future last day: the sweep opens it
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
    if fact.is_unpaid_leave and person.kind == SponsoredPerson.Kind.WORKER:
        year = fact.start_date.year
        leave = [
            detection.Leave(other.start_date, other.end_date, other.leave_reason)
            for other in person.facts.filter(kind=Kind.ABSENCE, pay__in=UNPAID_PAY).filter(
                Q(start_date__year=year) | Q(end_date__year=year) | Q(end_date__isnull=True)
            )
        ]
        trigger = detection.unpaid_leave_trigger(
            leave, year=year, today=today, days_per_week=person.days_per_week, nation=nation, closures=closures
        )
        if trigger:
            obligation_open(
                sponsor=sponsor, event="unpaid_leave", trigger_date=trigger,
                source_key=f"person:{person.pk}:unpaid_leave:{year}", person=person, actor=actor,
            )  # fmt: skip


UNPAID_PAY = (Fact.Pay.UNPAID, Fact.Pay.REDUCED)


@transaction.atomic
def absence_end(*, fact: Fact, actor: User, last_day: date) -> Fact:
    """Record the last day of an absence that was recorded while it was still going on.

    The absence's rules then apply to the whole of it: an unauthorised absence that ended within
    10 working days opens nothing, and its unpaid days count towards the 4 weeks.
    """
    require(actor, Action.REPORT_ACTIVITY, fact.person)
    fact = Fact.objects.select_for_update().select_related("person__sponsor").get(pk=fact.pk)
    if fact.kind != Kind.ABSENCE:
        raise DomainError("Only an absence has a last day to record")
    if fact.end_date is not None:
        raise DomainError(f"This absence already ended on {fact.end_date:%-d %B %Y}")
    if last_day < fact.start_date:
        raise DomainError(f"The last day must be on or after the day the absence started, {fact.start_date:%-d %B %Y}")
    if last_day > timezone.localdate():
        raise DomainError("The last day must be today or in the past")
    fact.end_date = last_day
    fact.save(update_fields=["end_date", "updated_at"])
    audit.record(
        actor=actor,
        verb=Verb.ABSENCE_ENDED,
        target=fact.person,
        payload={"start_date": fact.start_date.isoformat(), "end_date": last_day.isoformat()},
    )
    nation = sponsor_nation(fact.sponsor_id)
    closures = closure_days(nation=nation)
    today = timezone.localdate()
    if fact.authorised is False and not detection.absence_is_reportable(
        start=fact.start_date, end=last_day, today=today, nation=nation, closures=closures
    ):
        for obligation in Obligation.objects.filter(source_key=f"fact:{fact.pk}", status=Obligation.Status.OPEN):
            obligation_cancel_unfounded(
                obligation=obligation,
                actor=actor,
                reason=f"The absence ended on {last_day:%-d %B %Y}, within 10 working days: not reportable",
            )
    _detect_from_fact(fact, previous_salary=None, today=today, actor=actor, closures=closures, nation=nation)
    return fact


@transaction.atomic
def person_details_update(
    *,
    person: SponsoredPerson,
    actor: User,
    permission_start: date | None,
    permission_end: date | None,
    days_per_week: int,
) -> SponsoredPerson:
    """Record the worker's permission (visa) dates and working pattern (days a week, 1 to 5).

    Audited as before -> after. A new "valid from" date moves the 28-day start window (domain.md
    section 5); new permission dates are announced (``signals.permission_dates_changed``) in the same
    transaction, so the right-to-work follow-up date never lags the permission it follows.
    """
    require(actor, Action.REPORT_ACTIVITY, person)
    if not 1 <= days_per_week <= 5:
        raise DomainError("Working days a week must be between 1 and 5")
    if permission_start and permission_end and permission_end < permission_start:
        raise DomainError("The permission end date must be the same as or after the date it is valid from")
    person = SponsoredPerson.objects.select_for_update().get(pk=person.pk)
    before = {
        "permission_start": person.permission_start,
        "permission_end": person.permission_end,
        "days_per_week": person.days_per_week,
    }
    after = {"permission_start": permission_start, "permission_end": permission_end, "days_per_week": days_per_week}
    changed = {field: value for field, value in after.items() if before[field] != value}
    if not changed:
        raise DomainError("You have not changed anything")
    for field, value in changed.items():
        setattr(person, field, value)
    person.save(update_fields=[*changed, "updated_at"])
    if "permission_start" in changed:
        _refresh_start_window(person)
    audit.record(
        actor=actor,
        verb=Verb.PERSON_UPDATED,
        target=person,
        payload={field: {"from": _plain(before[field]), "to": _plain(value)} for field, value in changed.items()},
    )
    if {"permission_start", "permission_end"} & changed.keys():
        permission_dates_changed.send(sender=SponsoredPerson, person=person, actor=actor)
    return person


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
