"""Reads of the register and obligations, scoped to the acting user's sponsor."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Upper
from django.http import Http404
from django.utils import timezone

from sms.accounts.policy import Action, Scope, can, scope
from sms.reporting.catalogue import CATALOGUE
from sms.reporting.filters import ObligationFilterSet
from sms.reporting.models import Obligation, SponsoredPerson

DUE_SOON_DAYS = 7


def people_list(*, user, search: str = "", status: str = "") -> QuerySet[SponsoredPerson]:
    people = SponsoredPerson.objects.filter(sponsor_id=user.sponsor_id)
    if status:
        people = people.filter(status=status)
    term = search.strip()
    if term:
        # Each side of the OR has its own index on UPPER(name) (reporting migration 0005). The matches
        # are sorted without regard to case: an order no index gives, so the database finds the few
        # matches first instead of walking every name of a large sponsor in order looking for them.
        people = people.filter(Q(family_name__istartswith=term) | Q(given_names__istartswith=term))
        return people.order_by(Upper("family_name"), Upper("given_names"), "id")
    return people.order_by("family_name", "given_names", "id")


def person_for_user(*, user, uuid) -> SponsoredPerson:
    found = SponsoredPerson.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid).select_related("certificate").first()
    if found is None:
        raise Http404
    return found


def obligations_for_user(user) -> QuerySet[Obligation]:
    """The obligations a user is told about: their sponsor's (tenancy first). A Level 2 user is told
    only about those they may report: worker and student events on certificates they created and
    assigned (the policy's own rule for ``REPORT_ACTIVITY``)."""
    obligations = Obligation.objects.filter(sponsor_id=user.sponsor_id)
    if scope(user, Action.REPORT_ACTIVITY) is not Scope.ALL:
        obligations = obligations.filter(
            event__in=[event.code for event in CATALOGUE if event.level_2_may_report],
            person__certificate__created_by=user,
            person__certificate__assigned_by=user,
        )
    return obligations


def obligation_search(*, user, data=None) -> ObligationFilterSet:
    """The user's obligations, most urgent first (open ones by deadline, then the rest, newest first),
    narrowed by the filters in ``data``; ``.form`` is the filter form, ``.qs`` the obligations."""
    # ``closed`` is a stored column and (sponsor, closed, legal_deadline, -reported_at, id) an index, so
    # a page is read from the index in order instead of sorting every obligation of the sponsor.
    obligations = (
        obligations_for_user(user)
        .select_related("person__certificate")
        .order_by("closed", "legal_deadline", "-reported_at", "id")
    )
    return ObligationFilterSet(data or None, queryset=obligations, sponsor_id=user.sponsor_id)


def who_may_report(obligation: Obligation) -> str:
    """Who may report an obligation, in words: Level 1 users, and the Level 2 user whose certificate it is."""
    certificate = obligation.person.certificate if obligation.person_id else None
    creator = certificate.created_by if certificate is not None else None
    if (
        creator is not None
        and creator.level == creator.Level.LEVEL_2
        and can(creator, Action.REPORT_ACTIVITY, obligation)
    ):
        name = creator.full_name or creator.email
        return f"Level 1 users, and {name} (the Level 2 user who created and assigned the certificate)"
    return "Level 1 users"


def obligation_for_user(*, user, uuid) -> Obligation:
    found = (
        Obligation.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid)
        .select_related("person__certificate__created_by", "reported_by", "reportable_change", "fact")
        .prefetch_related("evidence")
        .first()
    )
    if found is None:
        raise Http404
    return found


def flags(obligation: Obligation, today: date | None = None) -> dict[str, bool]:
    """Due soon (within a week of the legal deadline) and overdue, for open obligations."""
    today = today or timezone.localdate()
    is_open = obligation.status == Obligation.Status.OPEN
    return {
        "overdue": obligation.is_overdue(today),
        "due_soon": is_open and today <= obligation.legal_deadline <= today + timedelta(days=DUE_SOON_DAYS),
    }


def received_reports(*, late_only: bool = False) -> QuerySet[Obligation]:
    """Reports sponsors have sent, newest first, for Home Office staff. A sent report has its
    ``reported_at``: saying so lets the partial index on it give the order (no sort of every report)."""
    reports = Obligation.objects.filter(
        reported_at__isnull=False,
        status__in=[Obligation.Status.REPORTED_ON_TIME, Obligation.Status.REPORTED_LATE],
    ).select_related("sponsor", "person", "reported_by")
    if late_only:
        reports = reports.filter(status=Obligation.Status.REPORTED_LATE)
    return reports.order_by("-reported_at", "-id")


def received_report(*, uuid) -> Obligation:
    found = (
        Obligation.objects.filter(uuid=uuid)
        .exclude(status=Obligation.Status.OPEN)
        .select_related("sponsor", "person")
        .prefetch_related("evidence")
        .first()
    )
    if found is None:
        raise Http404
    return found
