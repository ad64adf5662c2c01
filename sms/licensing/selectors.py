"""Reads about sponsors and licences, scoped to the acting user."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sms.accounts.access import refuse_sign_in_when
from sms.accounts.models import Sponsor, User
from sms.accounts.selectors import ACCOUNT_STATUSES, account_status, locked_account_attempts
from sms.licensing.models import (
    AccessReview,
    KeyPerson,
    Licence,
    LicenceApplication,
    LicenceRoute,
    SponsorRequest,
    WorkSite,
)


@refuse_sign_in_when
def licence_ended_message(user) -> str | None:
    """Why a sponsor user may not sign in, or None if they may.

    Revoked, surrendered or expired licences end sponsor users' access (seed 000); staff are unaffected.
    """
    if not getattr(user, "is_sponsor_user", False):
        return None
    licence = Licence.objects.filter(sponsor_id=user.sponsor_id).only("status", "status_changed_on").first()
    if licence is None or not licence.has_ended:
        return None
    when = f" on {licence.status_changed_on:%-d %B %Y}" if licence.status_changed_on else ""
    return (
        f"Your organisation's sponsor licence was {licence.get_status_display().lower()}{when}, "
        "so you can no longer sign in. Contact the Home Office sponsorship helpdesk if you think this is wrong."
    )


def licence_summary(*, user) -> dict:
    """Everything the licence summary page shows, for the user's own sponsor (a fixed number of queries)."""
    sponsor = Sponsor.objects.select_related("licence").get(pk=user.sponsor_id)
    licence = sponsor.licence
    return {
        "sponsor": sponsor,
        "licence": licence,
        "routes": list(LicenceRoute.objects.filter(licence=licence, removed_on__isnull=True)),
        "key_personnel": list(KeyPerson.objects.filter(sponsor=sponsor, end_date__isnull=True).select_related("user")),
        "users": list(User.objects.filter(sponsor=sponsor, is_active=True).order_by("level", "family_name")),
        "work_sites": list(WorkSite.objects.filter(sponsor=sponsor, closed_on__isnull=True)),
        "requests": list(
            SponsorRequest.objects.filter(sponsor=sponsor).select_related("created_by").order_by("-created_at")[:20]
        ),
    }


def sponsor_request_for_user(*, user, reference: str) -> SponsorRequest:
    """A request of the user's own sponsor; 404 for another sponsor's (tenancy)."""
    request = (
        SponsorRequest.objects.filter(sponsor_id=user.sponsor_id, reference=reference)
        .select_related("created_by", "decided_by")
        .prefetch_related("documents")
        .first()
    )
    if request is None:
        raise Http404
    return request


def sponsor_user_for_user(*, user, user_id: str) -> User:
    """Another user of the acting user's sponsor, by user ID; 404 for anyone else's."""
    found = User.objects.filter(sponsor_id=user.sponsor_id, user_id=user_id).first()
    if found is None:
        raise Http404
    return found


def work_site_for_user(*, user, uuid) -> WorkSite:
    found = WorkSite.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid).first()
    if found is None:
        raise Http404
    return found


def access_register(*, user) -> dict:
    """Every user of the sponsor with role, start, last sign-in, who added them and their status
    (active, locked, not activated, deactivated) with a count of each; stale Level 1s flagged."""
    stale_before = timezone.now() - timedelta(days=settings.STALE_LEVEL_1_DAYS)
    users = list(
        User.objects.filter(sponsor_id=user.sponsor_id)
        .select_related("created_by")
        .order_by("-is_active", "level", "family_name")
    )
    locked_emails = set(
        locked_account_attempts()
        .filter(username__in=[person.email for person in users])
        .values_list("username", flat=True)
    )
    counts = dict.fromkeys(ACCOUNT_STATUSES, 0)
    for person in users:
        reference = person.last_login or person.activated_at or person.date_joined
        person.is_stale = person.is_active and person.level == User.Level.LEVEL_1 and reference < stale_before
        person.access_status = account_status(person, locked_emails)
        counts[person.access_status] += 1
    return {
        "users": users,
        "status_counts": counts,
        "reviews": list(AccessReview.objects.filter(sponsor_id=user.sponsor_id).select_related("reviewed_by")[:8]),
    }


# Home Office reads: staff see every sponsor.


def queue_sizes() -> dict[str, int]:
    """How many applications and sponsor requests wait for a decision."""
    return {
        "applications": LicenceApplication.objects.filter(
            status__in=[LicenceApplication.Status.SUBMITTED, LicenceApplication.Status.MORE_INFORMATION_REQUESTED]
        ).count(),
        "requests": SponsorRequest.objects.filter(status=SponsorRequest.Status.SUBMITTED).count(),
    }


def application_queue(*, status: str = "") -> QuerySet[LicenceApplication]:
    """Submitted applications for caseworkers, oldest first (drafts are the applicant's own)."""
    applications = LicenceApplication.objects.exclude(status=LicenceApplication.Status.DRAFT)
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("submitted_at", "id")


def application_for_staff(*, reference: str) -> LicenceApplication:
    application = (
        LicenceApplication.objects.exclude(status=LicenceApplication.Status.DRAFT)
        .filter(reference=reference)
        .prefetch_related("documents")
        .first()
    )
    if application is None:
        raise Http404
    return application


def request_queue(*, status: str = SponsorRequest.Status.SUBMITTED, kind: str = "") -> QuerySet[SponsorRequest]:
    requests = SponsorRequest.objects.select_related("sponsor", "created_by")
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    return requests.order_by("created_at", "id")


def request_for_staff(*, reference: str) -> SponsorRequest:
    found = (
        SponsorRequest.objects.select_related("sponsor__licence", "created_by", "decided_by")
        .prefetch_related("documents")
        .filter(reference=reference)
        .first()
    )
    if found is None:
        raise Http404
    return found


def sponsor_list(*, search: str = "") -> QuerySet[Sponsor]:
    """Every sponsor by name (index ``sponsor_name``), or those whose name contains ``search`` (a
    trigram index on PostgreSQL) or whose licence number it is (looked up first, so the name search
    and the number are one OR the database answers from two indexes)."""
    sponsors = Sponsor.objects.select_related("licence")
    term = search.strip()
    if term:
        numbered = Licence.objects.filter(number=term.upper()).values_list("sponsor_id", flat=True).first()
        sponsors = (
            sponsors.filter(Q(name__icontains=term) | Q(pk=numbered))
            if numbered
            else sponsors.filter(name__icontains=term)
        )
    return sponsors.order_by("name", "id")


def sponsor_for_staff(*, uuid) -> Sponsor:
    sponsor = (
        Sponsor.objects.select_related("licence")
        .prefetch_related(
            Prefetch("licence__routes", queryset=LicenceRoute.objects.filter(removed_on__isnull=True)),
            Prefetch("key_personnel", queryset=KeyPerson.objects.filter(end_date__isnull=True)),
        )
        .filter(uuid=uuid)
        .first()
    )
    if sponsor is None:
        raise Http404
    return sponsor
