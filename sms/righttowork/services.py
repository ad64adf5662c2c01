"""Recording right-to-work checks and training records; every write atomic, audited and policy-checked."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.core.uploads import documents_store
from sms.licensing.models import KeyPerson
from sms.reporting.models import SponsoredPerson
from sms.reporting.services.facts import person_details_update
from sms.righttowork import rules
from sms.righttowork.models import RightToWorkCheck, TrainingRecord, share_code_normalise

Method, Result = RightToWorkCheck.Method, RightToWorkCheck.Result


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@transaction.atomic
def rtw_check_record(
    *,
    person: SponsoredPerson,
    actor: User,
    checked_on: date,
    method: str,
    result: str,
    checked_by: User,
    uploads,
    performed_by_name: str = "",
    share_code: str = "",
    ecs_reference: str = "",
    permission_end: date | None = None,
    notes: str = "",
) -> RightToWorkCheck:
    """Record a right-to-work check of a worker with its evidence.

    - An online check needs a right-to-work share code (9 characters, starting with W); a check
      through the Employer Checking Service needs the reference on its notice.
    - Time-limited permission needs the worker's permission end date: given here, it is recorded on
      the worker (audited, as on their page) when it differs. The follow-up date is then
      ``core.watch.rtw_follow_up_date`` of it; a continuous right to work has none.
    - The latest check (by date checked) is the worker's current one: its follow-up is the one due.
    """
    require(actor, Action.RECORD_RIGHT_TO_WORK, person)
    person = SponsoredPerson.objects.select_for_update().get(pk=person.pk)
    if person.kind != SponsoredPerson.Kind.WORKER:
        raise DomainError("Right-to-work checks are recorded for workers")
    today = timezone.localdate()
    if checked_on is None or checked_on > today:
        raise DomainError("The date of the check must be today or in the past")
    if method not in Method.values:
        raise DomainError("Select how you checked")
    if result not in Result.values:
        raise DomainError("Select the result of the check")
    if checked_by is None or not checked_by.is_active or checked_by.sponsor_id != person.sponsor_id:
        raise DomainError("Select the user who made or oversaw the check")
    share_code = share_code_normalise(share_code) if method == Method.ONLINE else ""
    ecs_reference = rules.ecs_reference_normalise(ecs_reference) if method == Method.ECS else ""
    error = (rules.share_code_error(share_code) if method == Method.ONLINE else "") or (
        rules.ecs_reference_error(ecs_reference) if method == Method.ECS else ""
    )
    if error:
        raise DomainError(error)
    uploads = list(uploads or [])
    if not uploads:
        raise DomainError("Upload the evidence of the check")
    if result == Result.TIME_LIMITED:
        end = permission_end or person.permission_end
        if end is None:
            raise DomainError("Enter the date the worker's permission ends: time-limited permission has an end date")
        if end < checked_on:
            raise DomainError("The permission end date must be on or after the date of the check")
        if end != person.permission_end:
            person = person_details_update(
                person=person,
                actor=actor,
                permission_start=person.permission_start,
                permission_end=end,
                days_per_week=person.days_per_week,
            )

    current = RightToWorkCheck.objects.filter(person=person, is_current=True).first()
    becomes_current = current is None or checked_on >= current.checked_on
    if becomes_current and current is not None:
        RightToWorkCheck.objects.filter(pk=current.pk).update(is_current=False, updated_at=timezone.now())
    check = RightToWorkCheck.objects.create(
        sponsor_id=person.sponsor_id,
        person=person,
        checked_on=checked_on,
        method=method,
        share_code=share_code,
        ecs_reference=ecs_reference,
        checked_by=checked_by,
        performed_by_name=(performed_by_name or "").strip(),
        result=result,
        follow_up_on=rules.follow_up_on(result, person.permission_end),
        is_current=becomes_current,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    documents = documents_store(check.evidence, uploads)
    audit.record(
        actor=actor,
        verb=Verb.RIGHT_TO_WORK_CHECKED,
        target=check,
        sponsor=person.sponsor,
        payload={
            "person": person.full_name,
            "checked_on": _iso(checked_on),
            "method": check.get_method_display(),
            "result": check.get_result_display(),
            "follow_up_on": _iso(check.follow_up_on),
            "documents": len(documents),
        },
    )
    return check


@transaction.atomic
def follow_ups_recompute(*, person: SponsoredPerson, actor: User | None = None) -> int:
    """Move the follow-up date of the worker's current time-limited check to follow their permission
    end date (``core.watch.rtw_follow_up_date``); each move is audited. Returns how many moved.

    Reporting announces new permission dates (``reporting.signals.permission_dates_changed``) from
    its audited, policy-checked update; this runs in that transaction.
    """
    require(actor, Action.REPORT_ACTIVITY, person)
    moved = 0
    follow_up = rules.follow_up_on(Result.TIME_LIMITED, person.permission_end)
    checks = RightToWorkCheck.objects.select_for_update().filter(
        person_id=person.pk, is_current=True, result=Result.TIME_LIMITED
    )
    for check in checks:  # at most one: one current check per worker
        if check.follow_up_on == follow_up:
            continue
        before = check.follow_up_on
        check.follow_up_on = follow_up
        check.save(update_fields=["follow_up_on", "updated_at"])
        audit.record(
            actor=actor,
            verb=Verb.RIGHT_TO_WORK_FOLLOW_UP_MOVED,
            target=check,
            sponsor=person.sponsor,
            payload={"person": person.full_name, "follow_up_on": {"from": _iso(before), "to": _iso(follow_up)}},
        )
        moved += 1
    return moved


# Training records (seed 002).

def _trainee(sponsor: Sponsor, user: User | None, key_person: KeyPerson | None) -> tuple[str, str]:
    """The trainee's name and role, checked to be one person of this sponsor."""
    if (user is None) == (key_person is None):
        raise DomainError("Select who took the training")
    if user is not None:
        if user.sponsor_id != sponsor.pk or not user.is_sponsor_user:
            raise DomainError("Select who took the training")
        return user.full_name or user.email, user.get_level_display()
    if key_person.sponsor_id != sponsor.pk:
        raise DomainError("Select who took the training")
    return key_person.full_name, key_person.get_role_display()


def _check_training_dates(taken_on: date, next_due: date) -> None:
    if taken_on is None or taken_on > timezone.localdate():
        raise DomainError("The date the training was taken must be today or in the past")
    if next_due is None or next_due <= taken_on:
        raise DomainError("The date it is next due must be after the date it was taken")


def default_next_due(taken_on: date) -> date:
    """A year after the training, when none is given: seed 002 asks to "retrain yearly"."""
    try:
        return taken_on.replace(year=taken_on.year + 1)
    except ValueError:  # 29 February
        return taken_on.replace(year=taken_on.year + 1, day=28)


@transaction.atomic
def training_record_add(
    *,
    sponsor: Sponsor,
    actor: User,
    course: str,
    taken_on: date,
    next_due: date | None = None,
    user: User | None = None,
    key_person: KeyPerson | None = None,
    notes: str = "",
) -> TrainingRecord:
    """Record training a user or a named key person took; next due a year later unless given."""
    require(actor, Action.MANAGE_TRAINING, sponsor)
    name, role = _trainee(sponsor, user, key_person)
    course = (course or "").strip()
    if not course:
        raise DomainError("Enter the name of the course")
    next_due = next_due or (default_next_due(taken_on) if taken_on else None)
    _check_training_dates(taken_on, next_due)
    record = TrainingRecord.objects.create(
        sponsor=sponsor,
        user=user,
        key_person=key_person,
        trainee_name=name,
        trainee_role=role,
        course=course,
        taken_on=taken_on,
        next_due=next_due,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        verb=Verb.TRAINING_RECORDED,
        target=record,
        sponsor=sponsor,
        payload={"name": name, "course": course, "taken_on": _iso(taken_on), "next_due": _iso(next_due)},
    )
    return record


@transaction.atomic
def training_record_update(
    *, record: TrainingRecord, actor: User, course: str, taken_on: date, next_due: date | None, notes: str = ""
) -> TrainingRecord:
    """Correct a training record; audited as before -> after."""
    require(actor, Action.MANAGE_TRAINING, record)
    record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
    course = (course or "").strip()
    if not course:
        raise DomainError("Enter the name of the course")
    next_due = next_due or (default_next_due(taken_on) if taken_on else None)
    _check_training_dates(taken_on, next_due)
    after = {"course": course, "taken_on": taken_on, "next_due": next_due, "notes": (notes or "").strip()}
    changed = {field: value for field, value in after.items() if getattr(record, field) != value}
    if not changed:
        raise DomainError("You have not changed anything")
    payload = {
        field: {"from": _iso(getattr(record, field)) if field in ("taken_on", "next_due") else getattr(record, field),
                "to": _iso(value) if field in ("taken_on", "next_due") else value}
        for field, value in changed.items()
    }
    for field, value in changed.items():
        setattr(record, field, value)
    record.save(update_fields=[*changed, "updated_at"])
    audit.record(
        actor=actor,
        verb=Verb.TRAINING_UPDATED,
        target=record,
        sponsor=record.sponsor,
        payload={"name": record.trainee_name, **payload},
    )
    return record
