"""Compliance decisions: downgrades with their action plans, the plan's fee, progress and review;
representations against a suspension and their decision (domain.md section 6).

Ratings, suspension and revocation themselves live in ``sms.licensing.services.licence``; these
services call them in the same transaction as the plan or representation they belong to. Every
sponsor-visible decision is posted on the sponsor's message board and emailed to its Level 1 users.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.notices import sponsor_tell
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.compliance.models import ActionPlan, Representation, RequiredAction
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.core.lifecycle import check_transition, lock, transition
from sms.core.models import FeeRate, PolicyPeriod
from sms.core.selectors import fee_amount, period_months, working_day_deadline
from sms.core.uploads import documents_store
from sms.licensing.models import Licence, LicenceRoute, Rating
from sms.licensing.services import licence as licence_services
from sms.licensing.signals import licence_status_changed
from sms.notifications.models import Notice
from sms.payments import selectors as payment_selectors
from sms.payments import services as payment_services
from sms.payments.models import Payment
from sms.payments.signals import payment_finished

ACTION_PLAN_PAYMENT_WORKING_DAYS = 10
MAX_REQUIRED_ACTIONS = 20


def required_actions_parse(text: str) -> list[str]:
    """The required actions typed by the compliance officer, one a line (blank lines ignored)."""
    actions = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(actions) > MAX_REQUIRED_ACTIONS:
        raise DomainError(f"Enter at most {MAX_REQUIRED_ACTIONS} required actions")
    return actions


def open_plan_for(licence_route: LicenceRoute) -> ActionPlan | None:
    return ActionPlan.objects.filter(licence_route=licence_route, status__in=ActionPlan.OPEN).first()


@transaction.atomic
def route_rate(
    *, licence_route: LicenceRoute, rating: str, actor, reason: str, required_actions: str = ""
) -> LicenceRoute:
    """Change a route's rating. A downgrade to B comes with an action plan of the required actions,
    its fee and its payment deadline, in the same transaction; the sponsor is told why.

    A route with an open action plan changes rating through the plan's review instead.
    """
    require(actor, Action.ENFORCE_LICENCE, licence_route.licence)
    if open_plan_for(licence_route) is not None:
        raise DomainError("This route has an open action plan: decide it from the action plan's page")
    previous = licence_route.rating
    downgrade = rating == Rating.B and previous != Rating.B
    actions = required_actions_parse(required_actions)
    if downgrade and not actions:
        raise DomainError("Enter the actions the sponsor must take, one on each line")
    # The sponsor is told once, here: with the action plan after a downgrade, or of the new rating.
    held = licence_services.licence_route_rate(
        licence_route=licence_route, rating=rating, actor=actor, reason=reason, tell=False
    )
    if downgrade:
        _action_plan_create(licence_route=held, reason=reason.strip(), actions=actions, actor=actor)
    elif rating != previous:
        sponsor_tell(
            sponsor=held.licence.sponsor,
            kind=Notice.Kind.DECISION,
            subject=f"Your {held.get_route_display()} rating is now {held.get_rating_display()}",
            body=f"The Home Office changed the rating of your {held.get_route_display()} route to "
            f"{held.get_rating_display()}. Reasons: {reason.strip()}",
            link=reverse("portal:licence_summary"),
        )
    return held


def _action_plan_create(*, licence_route: LicenceRoute, reason: str, actions: list[str], actor) -> ActionPlan:
    """The plan after a downgrade (called by ``route_rate`` in its transaction): the fee and the
    plan's duration in force today, the fee due within 10 working days of today."""
    licence = licence_route.licence
    sponsor = licence.sponsor
    today = timezone.localdate()
    plan = ActionPlan.objects.create(
        sponsor=sponsor,
        licence_route=licence_route,
        reason=reason,
        fee_pence=fee_amount(kind=FeeRate.Kind.ACTION_PLAN, sponsor_size=sponsor.size, on=today),
        payment_due=working_day_deadline(today, ACTION_PLAN_PAYMENT_WORKING_DAYS, nation=licence.nation),
        starts_on=today,
        ends_on=today + relativedelta(months=period_months(kind=PolicyPeriod.Kind.ACTION_PLAN_DURATION, on=today)),
        created_by=actor,
    )
    RequiredAction.objects.bulk_create(
        RequiredAction(plan=plan, number=number, description=text) for number, text in enumerate(actions, start=1)
    )
    audit.record(
        actor=actor,
        verb=Verb.ACTION_PLAN_CREATED,
        target=plan,
        sponsor=sponsor,
        payload={
            "reference": plan.reference,
            "route": licence_route.route,
            "reason": reason,
            "fee_pence": plan.fee_pence,
            "payment_due": plan.payment_due.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
        },
    )
    link = reverse("compliance:action_plan", args=[plan.reference])
    route = licence_route.get_route_display()
    sponsor_tell(
        sponsor=sponsor,
        kind=Notice.Kind.SANCTION,
        subject=f"Your {route} rating has been downgraded to B",
        body=f"The Home Office downgraded your {route} route to a B rating. Reasons: {reason} "
        f"You must follow action plan {plan.reference} until {plan.ends_on:%-d %B %Y}.",
        link=link,
    )
    sponsor_tell(
        sponsor=sponsor,
        kind=Notice.Kind.REMINDER,
        subject=f"Action plan fee of {format_pounds(plan.fee_pence)} due by {plan.payment_due:%-d %B %Y}",
        body=f"Pay the fee for action plan {plan.reference} by {plan.payment_due:%-d %B %Y}. "
        "A Level 1 user pays it from the action plan's page.",
        link=link,
        key=f"action-plan-payment-due:{plan.reference}",
    )
    return plan


def _settle_earlier_payments(plan: ActionPlan) -> None:
    """Confirm with the provider any payment still under way, so a fee is never taken twice."""
    for payment in payment_selectors.payments_for(
        purpose=Payment.Purpose.ACTION_PLAN, subject_reference=plan.reference
    ):
        if not payment.is_finished:
            payment_services.payment_confirm(payment=payment)


def action_plan_payment_start(*, plan: ActionPlan, actor, return_url: str) -> Payment:
    """Start paying the plan's fee: the payer is then sent to ``payment.next_url``."""
    require(actor, Action.MANAGE_ACTION_PLAN, plan)
    _settle_earlier_payments(plan)
    plan.refresh_from_db()
    if plan.status != ActionPlan.Status.AWAITING_PAYMENT:
        raise DomainError("The fee for this action plan has already been paid")
    return payment_services.payment_start(
        sponsor=plan.sponsor,
        purpose=Payment.Purpose.ACTION_PLAN,
        subject_reference=plan.reference,
        amount_pence=plan.fee_pence,
        description=f"Action plan {plan.reference} fee",
        return_url=return_url,
        actor=actor,
    )


def action_plan_payment_confirm(*, plan: ActionPlan) -> Payment | None:
    """On the payer's return: ask the provider about the plan's latest payment (never the URL)."""
    payment = payment_selectors.payment_latest(purpose=Payment.Purpose.ACTION_PLAN, subject_reference=plan.reference)
    if payment is not None:
        payment = payment_services.payment_confirm(payment=payment)
    return payment


@receiver(payment_finished, dispatch_uid="compliance_action_plan_paid")
def action_plan_paid(sender, payment: Payment, **kwargs) -> None:
    """A confirmed payment of a plan's fee starts the plan's work; any other outcome leaves it
    waiting for payment."""
    if payment.purpose != Payment.Purpose.ACTION_PLAN or not payment.is_paid:
        return
    plan = ActionPlan.objects.select_for_update().filter(reference=payment.subject_reference).first()
    if plan is None or plan.status != ActionPlan.Status.AWAITING_PAYMENT:
        return
    plan.paid_at = payment.confirmed_at
    plan.payment_reference = payment.reference
    transition(plan, ActionPlan.Status.IN_PROGRESS, extra_fields=("paid_at", "payment_reference"))
    audit.record(
        actor=None,
        verb=Verb.ACTION_PLAN_PAID,
        target=plan,
        sponsor=plan.sponsor,
        payload={"reference": plan.reference, "payment": payment.reference, "amount_pence": payment.amount_pence},
    )
    sponsor_tell(
        sponsor=plan.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Action plan {plan.reference}: fee received",
        body=f"We received {format_pounds(payment.amount_pence)} (payment {payment.reference}). Record your progress "
        f"on each required action, with evidence, by {plan.ends_on:%-d %B %Y}.",
        link=reverse("compliance:action_plan", args=[plan.reference]),
    )


@transaction.atomic
def action_progress_record(*, action: RequiredAction, actor, progress: str, notes: str, uploads=()) -> RequiredAction:
    """The Level 1 user records progress on one required action, with evidence, once the fee is paid."""
    require(actor, Action.MANAGE_ACTION_PLAN, action)
    action = RequiredAction.objects.select_for_update().select_related("plan").get(pk=action.pk)
    if action.plan.status == ActionPlan.Status.AWAITING_PAYMENT:
        raise DomainError("Pay the action plan fee before you record progress")
    if action.plan.status != ActionPlan.Status.IN_PROGRESS:
        raise DomainError("This action plan has been decided: its progress can no longer change")
    if progress not in RequiredAction.Progress.values:
        raise DomainError("Select how far the action has progressed")
    if not notes.strip():
        raise DomainError("Describe what you have done")
    previous = action.progress
    action.progress = progress
    action.progress_notes = notes.strip()
    action.updated_by = actor
    action.save(update_fields=["progress", "progress_notes", "updated_by", "updated_at"])
    stored = documents_store(action.evidence, uploads)
    audit.record(
        actor=actor,
        verb=Verb.ACTION_PLAN_PROGRESS,
        target=action.plan,
        sponsor=action.plan.sponsor,
        payload={
            "action": action.number,
            "progress": {"from": previous, "to": progress},
            "evidence": [document.original_name for document in stored],
        },
    )
    return action


class Outcome:
    RESTORE = "restore"
    EXTEND = "extend"
    REVOKE = "revoke"
    CHOICES = [
        (RESTORE, "Restore the A rating"),
        (EXTEND, "Extend the action plan"),
        (REVOKE, "Move to revocation: revoke the licence"),
    ]


@transaction.atomic
def action_plan_decide(
    *, plan: ActionPlan, actor, outcome: str, reason: str, new_end_date: date | None = None
) -> ActionPlan:
    """Staff review: restore A (the plan is complete), extend it to a new end date, or revoke the
    licence (every open plan of the licence ends with it)."""
    require(actor, Action.ENFORCE_LICENCE, plan)
    plan = lock(ActionPlan, plan.pk)
    if not reason.strip():
        raise DomainError("Enter the reasons for the decision")
    reason = reason.strip()
    route = plan.licence_route.get_route_display()
    payload = {"reference": plan.reference, "outcome": outcome, "reason": reason}
    if outcome == Outcome.RESTORE:
        check_transition(plan, ActionPlan.Status.RESTORED)
        licence_services.licence_route_rate(
            licence_route=plan.licence_route, rating=Rating.A, actor=actor, reason=reason, tell=False
        )
        subject = f"Action plan {plan.reference} complete: your {route} rating is A again"
        to_status = ActionPlan.Status.RESTORED
    elif outcome == Outcome.EXTEND:
        if plan.status != ActionPlan.Status.IN_PROGRESS:
            raise DomainError("Only an action plan in progress can be extended")
        if new_end_date is None or new_end_date <= plan.ends_on:
            raise DomainError(f"The new end date must be after {plan.ends_on:%-d %B %Y}")
        payload["ends_on"] = {"from": plan.ends_on.isoformat(), "to": new_end_date.isoformat()}
        plan.ends_on = new_end_date
        subject = f"Action plan {plan.reference} extended to {new_end_date:%-d %B %Y}"
        to_status = None
    elif outcome == Outcome.REVOKE:
        check_transition(plan, ActionPlan.Status.REVOKED)
        subject = "Your sponsor licence has been revoked"
        to_status = ActionPlan.Status.REVOKED
    else:
        raise DomainError("Select a decision")
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.decision_reason = reason
    fields = ("decided_by", "decided_at", "decision_reason", "ends_on")
    if to_status:
        transition(plan, to_status, extra_fields=fields)
    else:
        plan.save(update_fields=[*fields, "updated_at"])
    if outcome == Outcome.REVOKE:
        # After this plan is decided, so the revocation ends only the licence's other open plans.
        licence_services.licence_revoke(licence=plan.licence_route.licence, actor=actor, reason=reason, tell=False)
    audit.record(actor=actor, verb=Verb.ACTION_PLAN_DECIDED, target=plan, sponsor=plan.sponsor, payload=payload)
    sponsor_tell(
        sponsor=plan.sponsor,
        kind=Notice.Kind.SANCTION if outcome == Outcome.REVOKE else Notice.Kind.DECISION,
        subject=subject,
        body=f"{subject}. Reasons: {reason}",
        link=reverse("compliance:action_plan", args=[plan.reference]),
    )
    return plan


def _open_plans_revoke(licence: Licence) -> None:
    """A revoked licence ends every open action plan of its routes."""
    for plan in ActionPlan.objects.select_for_update().filter(
        licence_route__licence=licence, status__in=ActionPlan.OPEN
    ):
        transition(plan, ActionPlan.Status.REVOKED)


def pending_representation(licence: Licence) -> Representation | None:
    """Representations already made against the licence's current suspension."""
    return Representation.objects.filter(licence=licence, suspended_on=licence.status_changed_on).first()


@transaction.atomic
def representations_submit(*, sponsor: Sponsor, actor, text: str, uploads=()) -> Representation:
    """The sponsor's representations against its suspension, with evidence. Due within 20 working
    days of the suspension; later ones are still received, and marked late for the caseworker."""
    require(actor, Action.RESPOND_TO_SUSPENSION, sponsor)
    licence = lock(Licence, sponsor.licence.pk)
    if licence.status != Licence.Status.SUSPENDED:
        raise DomainError("Your licence is not suspended")
    if pending_representation(licence) is not None:
        raise DomainError("You have already made representations against this suspension")
    if not text.strip():
        raise DomainError("Enter your representations")
    today = timezone.localdate()
    representation = Representation.objects.create(
        sponsor=sponsor,
        licence=licence,
        suspended_on=licence.status_changed_on,
        due=licence.suspension_response_due,
        late=bool(licence.suspension_response_due and today > licence.suspension_response_due),
        text=text.strip(),
        submitted_by=actor,
    )
    stored = documents_store(representation.evidence, uploads)
    audit.record(
        actor=actor,
        verb=Verb.REPRESENTATIONS_SUBMITTED,
        target=representation,
        sponsor=sponsor,
        payload={
            "reference": representation.reference,
            "late": representation.late,
            "evidence": [document.original_name for document in stored],
        },
    )
    return representation


class RepresentationOutcome:
    LIFT = "lift"
    REVOKE = "revoke"
    CHOICES = [(LIFT, "Lift the suspension"), (REVOKE, "Revoke the licence")]


@transaction.atomic
def representation_decide(*, representation: Representation, actor, outcome: str, reason: str) -> Representation:
    """Staff decide the representations: lift the suspension or revoke the licence.

    The licence's status change closes the representations (``suspension_ended``), as it does when
    staff lift or revoke from the licence's own page: one path, whichever page is used.
    """
    require(actor, Action.ENFORCE_LICENCE, representation)
    representation = lock(Representation, representation.pk)
    if not reason.strip():
        raise DomainError("Enter the reasons for the decision")
    reason = reason.strip()
    if outcome == RepresentationOutcome.LIFT:
        check_transition(representation, Representation.Status.LIFTED)
        licence_services.licence_reinstate(licence=representation.licence, actor=actor, reason=reason, tell=False)
        subject = "Your sponsor licence suspension has been lifted"
    elif outcome == RepresentationOutcome.REVOKE:
        check_transition(representation, Representation.Status.REVOKED)
        licence_services.licence_revoke(licence=representation.licence, actor=actor, reason=reason, tell=False)
        subject = "Your sponsor licence has been revoked"
    else:
        raise DomainError("Select a decision")
    representation.refresh_from_db()
    sponsor_tell(
        sponsor=representation.sponsor,
        kind=Notice.Kind.DECISION if outcome == RepresentationOutcome.LIFT else Notice.Kind.SANCTION,
        subject=subject,
        body=f"The Home Office considered your representations ({representation.reference}). {subject}. "
        f"Reasons: {reason}",
        link=reverse("compliance:representation", args=[representation.reference]),
    )
    return representation


@receiver(licence_status_changed, dispatch_uid="compliance_suspension_ended")
def suspension_ended(sender, licence: Licence, previous: str, to_status: str, actor, reason: str, **kwargs) -> None:
    """What a licence's lifted or revoked suspension, or its revocation, ends (in its transaction):
    representations still waiting are decided with it, and a revoked licence's open action plans
    move to revocation."""
    if to_status == Licence.Status.REVOKED:
        _open_plans_revoke(licence)
    if previous != Licence.Status.SUSPENDED or to_status not in (Licence.Status.ACTIVE, Licence.Status.REVOKED):
        return
    lifted = to_status == Licence.Status.ACTIVE
    outcome = RepresentationOutcome.LIFT if lifted else RepresentationOutcome.REVOKE
    waiting = Representation.objects.select_for_update().filter(licence=licence, status=Representation.Status.SUBMITTED)
    for representation in waiting:
        representation.decided_by = actor if getattr(actor, "pk", None) else None
        representation.decided_at = timezone.now()
        representation.decision_reason = reason.strip()
        transition(
            representation,
            Representation.Status.LIFTED if lifted else Representation.Status.REVOKED,
            extra_fields=("decided_by", "decided_at", "decision_reason"),
        )
        audit.record(
            actor=actor,
            verb=Verb.REPRESENTATIONS_DECIDED,
            target=representation,
            sponsor=representation.sponsor,
            payload={
                "reference": representation.reference,
                "outcome": outcome,
                "reason": representation.decision_reason,
            },
        )
