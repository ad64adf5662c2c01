"""Reads of action plans and representations, scoped to the viewer."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from sms.accounts.models import Sponsor
from sms.compliance.models import ActionPlan, Representation, RequiredAction
from sms.reporting.models import SponsoredPerson


def _plans():
    return ActionPlan.objects.select_related("sponsor", "licence_route__licence").prefetch_related(
        Prefetch("actions", queryset=RequiredAction.objects.prefetch_related("evidence"))
    )


def action_plans_for_user(*, user):
    """The user's sponsor's action plans, newest first."""
    return ActionPlan.objects.filter(sponsor_id=user.sponsor_id).select_related("licence_route")


def action_plan_list_for_user(*, user):
    """Every action plan of the user's sponsor, past and current, newest first, with how many of its
    actions are done (one query)."""
    return (
        action_plans_for_user(user=user)
        .annotate(action_count=Count("actions"), done_count=Count("actions", filter=Q(actions__progress="done")))
        .order_by("-created_at", "-id")
    )


def open_action_plans_for_user(*, user):
    """The sponsor's action plans not yet decided, for the licence summary (why it was downgraded)."""
    return action_plans_for_user(user=user).filter(status__in=ActionPlan.OPEN)


def current_representation(*, licence) -> Representation | None:
    """Representations made against the licence's current suspension, if any."""
    if licence.status != "suspended":
        return None
    return Representation.objects.filter(licence=licence, suspended_on=licence.status_changed_on).first()


def action_plan_for_user(*, user, reference: str) -> ActionPlan:
    plan = _plans().filter(sponsor_id=user.sponsor_id, reference=reference).first()
    if plan is None:
        raise Http404
    return plan


def action_plan_for_staff(*, reference: str) -> ActionPlan:
    plan = _plans().filter(reference=reference).first()
    if plan is None:
        raise Http404
    return plan


def required_action_for_user(*, user, reference: str, number: int) -> RequiredAction:
    action = (
        RequiredAction.objects.filter(plan__sponsor_id=user.sponsor_id, plan__reference=reference, number=number)
        .select_related("plan__sponsor")
        .first()
    )
    if action is None:
        raise Http404
    return action


def required_action_for_staff(*, reference: str, number: int) -> RequiredAction:
    action = (
        RequiredAction.objects.filter(plan__reference=reference, number=number).select_related("plan__sponsor").first()
    )
    if action is None:
        raise Http404
    return action


def action_plan_queue(*, status: str = ""):
    """Action plans for staff, with how many actions each has and how many are done."""
    plans = ActionPlan.objects.select_related("sponsor", "licence_route").annotate(
        action_count=Count("actions"), done_count=Count("actions", filter=Q(actions__progress="done"))
    )
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("payment_due", "id")


def representations_awaiting_decision():
    """Representations against a suspension still in force, waiting for a decision, oldest first:
    the staff queue."""
    return (
        Representation.objects.filter(status=Representation.Status.SUBMITTED, licence__status="suspended")
        .select_related("sponsor", "licence", "submitted_by")
        .order_by("created_at", "id")
    )


def representation_for_staff(*, reference: str) -> Representation:
    representation = (
        Representation.objects.select_related("sponsor", "licence", "submitted_by")
        .prefetch_related("evidence")
        .filter(reference=reference)
        .first()
    )
    if representation is None:
        raise Http404
    return representation


def representations_for_user(*, user):
    return Representation.objects.filter(sponsor_id=user.sponsor_id).order_by("-created_at")


def representation_for_user(*, user, reference: str) -> Representation:
    """One of the user's sponsor's representations, with its evidence; 404 for another sponsor's."""
    representation = (
        representations_for_user(user=user)
        .select_related("licence", "submitted_by")
        .prefetch_related("evidence")
        .filter(reference=reference)
        .first()
    )
    if representation is None:
        raise Http404
    return representation


def affected_workers(*, sponsor: Sponsor):
    """The sponsored workers and students a revocation affects: everyone on the register who has
    not left (their permission is curtailed with the licence)."""
    return (
        SponsoredPerson.objects.filter(sponsor=sponsor)
        .exclude(status=SponsoredPerson.Status.LEFT)
        .select_related("certificate")
        .order_by("family_name", "given_names", "id")
    )
