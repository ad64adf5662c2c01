"""Planning and recording compliance visits; every write audited (domain.md section 6)."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.accounts.notices import sponsor_tell
from sms.accounts.policy import Action, can, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.notifications.models import Notice
from sms.notifications.services import email_enqueue_template, notice_post
from sms.visits.models import ComplianceVisit


def _check_officer(officer: User | None) -> None:
    """The officer is an active Home Office user who may record compliance visits."""
    if officer is None or not officer.is_home_office or not can(officer, Action.RECORD_COMPLIANCE_VISIT):
        raise DomainError("Select a compliance officer")


@transaction.atomic
def visit_plan(*, actor, sponsor: Sponsor, visit_date: date, announced: bool, officer: User) -> ComplianceVisit:
    """Plan a visit. An announced visit is told to the sponsor (message board and its Level 1 users);
    an unannounced one is not."""
    require(actor, Action.RECORD_COMPLIANCE_VISIT, sponsor)
    _check_officer(officer)
    if visit_date < timezone.localdate():
        raise DomainError("The date of a planned visit must be today or in the future")
    visit = ComplianceVisit.objects.create(
        sponsor=sponsor, visit_date=visit_date, announced=announced, officer=officer, created_by=actor
    )
    audit.record(
        actor=actor,
        verb=Verb.COMPLIANCE_VISIT_PLANNED,
        target=visit,
        sponsor=sponsor,
        payload={"visit_date": visit_date.isoformat(), "announced": announced, "officer": officer.user_id},
    )
    if announced:
        _tell_sponsor(visit)
    return visit


def _tell_sponsor(visit: ComplianceVisit) -> None:
    when = f"{visit.visit_date.day} {visit.visit_date:%B %Y}"
    notice_post(
        sponsor=visit.sponsor,
        kind=Notice.Kind.REMINDER,
        subject=f"Compliance visit on {when}",
        body=f"A Home Office compliance officer will visit you on {when}.",
        key=f"compliance-visit:{visit.uuid}",
    )
    level_1_users = visit.sponsor.users.filter(level=User.Level.LEVEL_1, is_active=True)
    for user in level_1_users:
        email_enqueue_template(
            to=user.email,
            template="compliance_visit_planned",
            context={"service_name": settings.SERVICE_NAME, "user": user, "when": when, "sponsor": visit.sponsor},
        )


@transaction.atomic
def visit_record(
    *,
    actor,
    visit: ComplianceVisit,
    visit_date: date,
    officer: User,
    findings: str,
    outcome: str,
    linked_actions: str = "",
) -> ComplianceVisit:
    """Record a visit as completed: the day it took place, who made it, findings, outcome, linked actions."""
    require(actor, Action.RECORD_COMPLIANCE_VISIT, visit)
    visit = ComplianceVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != ComplianceVisit.Status.PLANNED:
        raise DomainError("This visit has already been recorded")
    _check_officer(officer)
    if visit_date > timezone.localdate():
        raise DomainError("The date of the visit must be today or in the past")
    if not findings.strip():
        raise DomainError("Enter the findings")
    if outcome not in ComplianceVisit.Outcome.values:
        raise DomainError("Select the outcome")
    visit.status = ComplianceVisit.Status.COMPLETED
    visit.visit_date = visit_date
    visit.officer = officer
    visit.findings = findings.strip()
    visit.outcome = outcome
    visit.linked_actions = linked_actions.strip()
    visit.completed_at = timezone.now()
    visit.save()
    audit.record(
        actor=actor,
        verb=Verb.COMPLIANCE_VISIT_RECORDED,
        target=visit,
        sponsor=visit.sponsor,
        payload={"visit_date": visit_date.isoformat(), "outcome": visit.get_outcome_display()},
    )
    # The outcome is a decision about the sponsor: told on its board and to its Level 1 users. The
    # findings are the officer's record for staff; what follows from them (a downgrade with its
    # action plan, a suspension) is told, with its reasons, by its own service.
    when = f"{visit.visit_date.day} {visit.visit_date:%B %Y}"
    sponsor_tell(
        sponsor=visit.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Compliance visit on {when}: {visit.get_outcome_display()}",
        body=f"A Home Office compliance officer visited you on {when}. Outcome: {visit.get_outcome_display()}.",
        key=f"compliance-visit-outcome:{visit.uuid}",
    )
    return visit
