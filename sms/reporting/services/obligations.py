"""Reporting obligations: opened with computed deadlines, notified, reported on time or late, cancelled."""

from datetime import date

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.accounts.notices import alerts_raise
from sms.accounts.policy import Action, can, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.core.lifecycle import lock, transition
from sms.core.selectors import closure_days
from sms.core.uploads import documents_store
from sms.licensing.models import Licence, ReportableChange
from sms.licensing.signals import reportable_change_recorded
from sms.notifications.models import Topic
from sms.notifications.services import AlertDraft, email_render
from sms.reporting import detection
from sms.reporting.catalogue import EVENTS
from sms.reporting.models import Fact, Obligation, SponsoredPerson


def sponsor_nation(sponsor_id) -> str:
    """The UK nation whose bank holidays count for this sponsor's deadlines."""
    return Licence.objects.filter(sponsor_id=sponsor_id).values_list("nation", flat=True).first() or "england-and-wales"


# Obligations.


def _deadline_pair(*, sponsor: Sponsor, event_code: str, trigger: date, closures=None) -> tuple[date, date]:
    nation = sponsor_nation(sponsor.pk)
    return detection.deadlines(
        trigger,
        working_days=EVENTS[event_code].working_days,
        target_working_days=EVENTS[event_code].target_working_days(sponsor.internal_target_working_days),
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
    The policy is asked about the obligation to be opened: a Level 2 user opens one only about a
    worker or student whose certificate they created and assigned (``Obligation.policy_subject``).
    """
    require(actor, Action.REPORT_ACTIVITY, Obligation(sponsor=sponsor, person=person, event=event))
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


def obligation_alert(obligation: Obligation) -> AlertDraft:
    """The "report this" alert for a newly opened obligation (topic: obligations).

    The user whose certificate it is is named (the "creator" recipient) only when they may report it
    (created and assigned it; never for an organisation change): a Level 2 user is not told about
    what they cannot act on.
    """
    certificate = obligation.person.certificate if obligation.person_id else None
    creator = certificate.created_by if certificate is not None else None
    subject, body = email_render("obligation_opened", {"obligation": obligation})
    return AlertDraft(
        sponsor_id=obligation.sponsor_id,
        topic=Topic.OBLIGATIONS,
        rule="obligation_opened",
        object_id=obligation.pk,
        subject=subject,
        body=body,
        link=reverse("reporting:obligation", args=[obligation.uuid]),
        concerns_user_id=creator.pk
        if creator is not None and can(creator, Action.REPORT_ACTIVITY, obligation)
        else None,
    )


def obligation_notify(obligation: Obligation) -> None:
    """Alert the sponsor's chosen users (by default its Level 1 users and the certificate's creator)
    that a report is due, in the opening transaction."""
    alerts_raise([obligation_alert(obligation)])


@transaction.atomic
def obligation_open_by_hand(
    *, sponsor: Sponsor, actor: User, event: str, trigger_date: date, person=None, details: str = ""
) -> Obligation:
    """A user opens an obligation for any catalogue event (e.g. a breach of conditions).

    Asked with the obligation it would open: a Level 2 user only about a worker or student whose
    certificate they created and assigned, never about the organisation (domain.md section 1).
    """
    if person is not None and person.sponsor_id != getattr(sponsor, "pk", None):
        raise Http404
    require(actor, Action.REPORT_ACTIVITY, Obligation(sponsor=sponsor, person=person, event=event))
    if trigger_date > timezone.localdate():
        raise DomainError("The date of the event must be today or in the past")
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
    require(actor, Action.REPORT_ACTIVITY, obligation)
    obligation = lock(Obligation, obligation.pk)
    if not declaration:
        raise DomainError("Confirm the declaration to send the report")
    today = timezone.localdate()
    status = (
        Obligation.Status.REPORTED_ON_TIME if today <= obligation.legal_deadline else Obligation.Status.REPORTED_LATE
    )
    documents_store(obligation.evidence, uploads)
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
    require(actor, Action.CANCEL_OBLIGATION, obligation)
    return _cancel(obligation, actor=actor, reason=reason)


def obligation_cancel_unfounded(*, obligation: Obligation, actor: User, reason: str) -> Obligation:
    """Cancel an obligation that a corrected fact no longer supports (an absence that, once its last
    day is recorded, did not last more than 10 working days). Whoever may report the obligation may
    correct the fact behind it, so this asks for reporting, not for cancelling by hand."""
    require(actor, Action.REPORT_ACTIVITY, obligation)
    return _cancel(obligation, actor=actor, reason=reason)


def _cancel(obligation: Obligation, *, actor, reason: str) -> Obligation:
    obligation = lock(Obligation, obligation.pk)
    if not reason.strip():
        raise DomainError("Enter why the obligation is cancelled")
    obligation.cancel_reason = reason.strip()
    transition(obligation, Obligation.Status.CANCELLED, extra_fields=("cancel_reason",))
    audit.record(
        actor=actor, verb=Verb.OBLIGATION_CANCELLED, target=obligation, payload={"reason": obligation.cancel_reason}
    )
    return obligation


@receiver(reportable_change_recorded)
def reportable_change_open_obligation(*, change: ReportableChange, actor=None, **kwargs) -> Obligation | None:
    """An organisation change opens its obligation (sent by licensing when it records the change).

    Asked with the obligation it opens, which is about the organisation: never a Level 2 user's."""
    require(actor, Action.REPORT_ACTIVITY, Obligation(sponsor=change.sponsor, event=change.event))
    return obligation_open(
        sponsor=change.sponsor,
        event=change.event,
        trigger_date=change.effective_date,
        source_key=f"change:{change.pk}",
        reportable_change=change,
        actor=actor,
    )
