"""The licence lifecycle: issue, suspend, reinstate, revoke, surrender, expire, renew; routes and ratings.

Every status change goes through ``sms.core.lifecycle.transition`` against ``Licence.TRANSITIONS``,
inside a transaction with the licence row locked, and writes its audit row.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.notices import sponsor_tell, sponsors_tell
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.dates import Nation
from sms.core.exceptions import DomainError
from sms.core.lifecycle import lock, sources_of, transition
from sms.core.selectors import working_day_deadline
from sms.licensing.models import Licence, LicenceRoute, Rating, Route, licence_number
from sms.licensing.signals import licence_renewed, licence_status_changed
from sms.notifications.models import Notice

SUSPENSION_RESPONSE_WORKING_DAYS = 20
# Draws of a licence number before giving up: with 23^7 numbers, even at a national population a
# draw repeats one about once in 28,000 grants, so a second draw practically always succeeds.
LICENCE_NUMBER_ATTEMPTS = 5


def initial_rating(route: str) -> str:
    """New licences are A-rated; UK Expansion Worker licences start provisional (domain.md section 2)."""
    return Rating.PROVISIONAL if route == Route.GBM_UK_EXPANSION else Rating.A


@transaction.atomic
def licence_issue(
    *,
    sponsor: Sponsor,
    routes: list[str],
    actor,
    start_date: date | None = None,
    validity_years: int | None = None,
    converted_from_tier2: bool = False,
) -> Licence:
    """Issue a licence to a sponsor: a new number, the routes rated, valid for ``validity_years``.

    ``converted_from_tier2`` records a licence converted on 1 December 2020 (loaded from earlier
    records): its allocation years run 6 April to 5 April.
    """
    require(actor, Action.DECIDE_CASES, sponsor)
    if not routes:
        raise DomainError("Select at least one route")
    start = start_date or timezone.localdate()
    years = validity_years or settings.LICENCE_VALIDITY_YEARS
    licence = _licence_create(sponsor=sponsor, converted_from_tier2=converted_from_tier2)
    licence.start_date = start
    licence.expiry_date = start + relativedelta(years=years) - relativedelta(days=1)
    licence.status_changed_on = start
    licence.save(update_fields=["start_date", "expiry_date", "status_changed_on"])
    transition(licence, Licence.Status.ACTIVE)
    LicenceRoute.objects.bulk_create(
        LicenceRoute(licence=licence, route=route, rating=initial_rating(route), granted_on=start)
        for route in sorted(set(routes))
    )
    audit.record(
        actor=actor,
        verb=Verb.LICENCE_ISSUED,
        target=licence,
        sponsor=sponsor,
        payload={
            "number": licence.number,
            "routes": sorted(set(routes)),
            "expiry_date": licence.expiry_date.isoformat(),
        },
    )
    return licence


def _licence_create(*, sponsor: Sponsor, converted_from_tier2: bool) -> Licence:
    """A new licence with a number no other licence has: a number drawn twice is drawn again (each
    attempt in a savepoint, so a clash leaves the caller's transaction usable)."""
    for attempt in range(LICENCE_NUMBER_ATTEMPTS):
        number = licence_number()
        try:
            with transaction.atomic():
                return Licence.objects.create(
                    sponsor=sponsor,
                    number=number,
                    status=Licence.Status.APPLIED,
                    converted_from_tier2=converted_from_tier2,
                )
        except IntegrityError:
            # Only a repeated number is worth another draw; anything else (a second licence for the
            # sponsor) is a real error.
            if attempt == LICENCE_NUMBER_ATTEMPTS - 1 or not Licence.objects.filter(number=number).exists():
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _change_status(
    *, licence: Licence, to_status: str, actor, verb: Verb, reason: str, on: date | None, only_from=None
) -> Licence:
    licence = lock(Licence, licence.pk)
    previous = licence.status
    licence.status_reason = reason
    licence.status_changed_on = on or timezone.localdate()
    transition(licence, to_status, extra_fields=("status_reason", "status_changed_on"), only_from=only_from)
    audit.record(
        actor=actor,
        verb=verb,
        target=licence,
        sponsor=licence.sponsor,
        payload={"from": previous, "to": to_status, "reason": reason},
    )
    licence_status_changed.send(
        sender=Licence, licence=licence, previous=previous, to_status=to_status, actor=actor, reason=reason
    )
    return licence


@transaction.atomic
def licence_suspend(*, licence: Licence, actor, reason: str, on: date | None = None) -> Licence:
    """Suspend: no certificates can be assigned while suspended; reporting duties continue. The
    sponsor has 20 working days to respond (domain.md section 6)."""
    require(actor, Action.ENFORCE_LICENCE, licence)
    if not reason.strip():
        raise DomainError("Enter the reasons for suspending the licence")
    licence = _change_status(
        licence=licence,
        to_status=Licence.Status.SUSPENDED,
        actor=actor,
        verb=Verb.LICENCE_SUSPENDED,
        reason=reason,
        on=on,
    )
    licence.suspension_response_due = working_day_deadline(
        licence.status_changed_on, SUSPENSION_RESPONSE_WORKING_DAYS, nation=licence.nation
    )
    licence.save(update_fields=["suspension_response_due", "updated_at"])
    sponsor_tell(
        sponsor=licence.sponsor,
        kind=Notice.Kind.SANCTION,
        subject=f"Licence {licence.number} suspended",
        body=f"Your licence has been suspended: {reason.strip()}\n\nNo certificates can be assigned while it is "
        f"suspended; reporting duties continue. Respond by {_uk(licence.suspension_response_due)}.",
    )
    return licence


@transaction.atomic
def licence_reinstate(*, licence: Licence, actor, reason: str, tell: bool = True) -> Licence:
    """Lift a suspension. (The table's applied -> active move is issuing, not reinstating.)
    Representations against it are closed with it (``licence_status_changed``). ``tell=False``
    when the caller tells the sponsor itself, so the sponsor hears of one decision once."""
    require(actor, Action.ENFORCE_LICENCE, licence)
    licence = _change_status(
        licence=licence,
        to_status=Licence.Status.ACTIVE,
        actor=actor,
        verb=Verb.LICENCE_REINSTATED,
        reason=reason,
        on=None,
        only_from={Licence.Status.SUSPENDED},
    )
    if not tell:
        return licence
    sponsor_tell(
        sponsor=licence.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Licence {licence.number} reinstated",
        body="The suspension of your licence has been lifted." + (f" {reason.strip()}" if reason.strip() else ""),
    )
    return licence


@transaction.atomic
def licence_revoke(*, licence: Licence, actor, reason: str, on: date | None = None, tell: bool = True) -> Licence:
    """Revoke: sponsor users can no longer sign in; the records stay. Open representations and
    action plans end with it (``licence_status_changed``). ``tell=False`` when the caller tells
    the sponsor itself."""
    require(actor, Action.ENFORCE_LICENCE, licence)
    if not reason.strip():
        raise DomainError("Enter the reasons for revoking the licence")
    licence = _change_status(
        licence=licence, to_status=Licence.Status.REVOKED, actor=actor, verb=Verb.LICENCE_REVOKED, reason=reason, on=on
    )
    if not tell:
        return licence
    sponsor_tell(
        sponsor=licence.sponsor,
        kind=Notice.Kind.SANCTION,
        subject=f"Licence {licence.number} revoked",
        body=f"Your licence has been revoked: {reason.strip()}",
    )
    return licence


@transaction.atomic
def licence_surrender(*, licence: Licence, actor, reason: str) -> Licence:
    """The sponsor gives up its licence (a granted surrender request)."""
    require(actor, Action.DECIDE_CASES, licence)
    return _change_status(
        licence=licence,
        to_status=Licence.Status.SURRENDERED,
        actor=actor,
        verb=Verb.LICENCE_SURRENDERED,
        reason=reason,
        on=None,
    )


@transaction.atomic
def licences_expire(*, today: date | None = None) -> int:
    """Expire every active or suspended licence whose expiry date has passed (the daily sweep).

    Set-based: one query finds them, one update changes them all; running it twice changes nothing.
    """
    today = today or timezone.localdate()
    due = list(
        Licence.objects.select_for_update()
        .filter(status__in=sources_of(Licence, Licence.Status.EXPIRED), expiry_date__lt=today)
        .select_related("sponsor")
    )
    if not due:
        return 0
    Licence.objects.filter(pk__in=[licence.pk for licence in due]).update(
        status=Licence.Status.EXPIRED, status_changed_on=today, status_reason="The licence reached its expiry date"
    )
    audit.record_many(
        [
            {
                "actor": None,
                "verb": Verb.LICENCE_EXPIRED,
                "target": licence,
                "sponsor": licence.sponsor,
                "payload": {"expiry_date": licence.expiry_date.isoformat()},
            }
            for licence in due
        ]
    )
    return len(due)


def _expiry_key(licence: Licence) -> str:
    return f"licence-expiring:{licence.expiry_date.isoformat()}"


def _uk(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def licence_expiry_reminders(*, today: date | None = None) -> int:
    """Remind each sponsor whose active licence expires within the renewal window (once per expiry
    date; the daily sweep). Returns how many reminders were posted."""
    today = today or timezone.localdate()
    window_end = today + relativedelta(months=settings.LICENCE_RENEWAL_WINDOW_MONTHS)
    due = Licence.objects.filter(
        status=Licence.Status.ACTIVE, expiry_date__gte=today, expiry_date__lte=window_end
    ).select_related("sponsor")
    posted = set(Notice.objects.filter(key__startswith="licence-expiring:").values_list("sponsor_id", "key"))
    due = [licence for licence in due if (licence.sponsor_id, _expiry_key(licence)) not in posted]
    # One insert for the notices and one set of alert statements for them all (sponsors_tell).
    return sponsors_tell(
        [
            {
                "sponsor": licence.sponsor,
                "kind": Notice.Kind.REMINDER,
                "subject": f"Licence {licence.number} expires on {_uk(licence.expiry_date)}",
                "body": f"Your sponsor licence expires on {_uk(licence.expiry_date)}. A Level 1 user can apply to "
                "renew it from the licence summary.",
                "link": reverse("portal:licence_summary"),
                "key": _expiry_key(licence),
            }
            for licence in due
        ]
    )


def renewal_window_opens(licence: Licence) -> date | None:
    """The first day a renewal may be asked for: LICENCE_RENEWAL_WINDOW_MONTHS before expiry."""
    if licence.expiry_date is None:
        return None
    return licence.expiry_date - relativedelta(months=settings.LICENCE_RENEWAL_WINDOW_MONTHS)


def renewal_allowed(licence: Licence, today: date) -> bool:
    """Renewal is open to an active licence whose expiry falls inside the renewal window."""
    opens = renewal_window_opens(licence)
    return licence.status == Licence.Status.ACTIVE and opens is not None and opens <= today <= licence.expiry_date


@transaction.atomic
def licence_renew(*, licence: Licence, actor, validity_years: int | None = None) -> Licence:
    """Extend the licence from its current expiry date (a granted renewal)."""
    require(actor, Action.DECIDE_CASES, licence)
    licence = lock(Licence, licence.pk)
    if licence.status != Licence.Status.ACTIVE:
        raise DomainError("Only an active licence can be renewed")
    years = validity_years or settings.LICENCE_VALIDITY_YEARS
    previous_expiry = licence.expiry_date
    licence.expiry_date = previous_expiry + relativedelta(years=years)
    # Allocation years run 12 months from the renewal grant from now on (domain.md section 4).
    licence.renewal_granted_on = timezone.localdate()
    licence.save(update_fields=["expiry_date", "renewal_granted_on", "updated_at"])
    licence_renewed.send(sender=Licence, licence=licence, on=licence.renewal_granted_on)
    audit.record(
        actor=actor,
        verb=Verb.LICENCE_RENEWED,
        target=licence,
        sponsor=licence.sponsor,
        payload={"previous_expiry_date": previous_expiry.isoformat(), "expiry_date": licence.expiry_date.isoformat()},
    )
    return licence


@transaction.atomic
def licence_route_add(*, licence: Licence, route: str, actor) -> LicenceRoute:
    """Add a route (a granted variation). It starts A-rated, or provisional for UK Expansion."""
    require(actor, Action.DECIDE_CASES, licence)
    if licence.routes.filter(route=route, removed_on__isnull=True).exists():
        raise DomainError(f"The licence already holds the {Route(route).label} route")
    held = LicenceRoute.objects.create(
        licence=licence, route=route, rating=initial_rating(route), granted_on=timezone.localdate()
    )
    audit.record(actor=actor, verb=Verb.ROUTE_ADDED, target=licence, sponsor=licence.sponsor, payload={"route": route})
    return held


@transaction.atomic
def licence_route_remove(*, licence: Licence, route: str, actor) -> LicenceRoute:
    """Remove a route (a granted variation). The last route cannot go: that is a surrender."""
    require(actor, Action.DECIDE_CASES, licence)
    current = licence.routes.select_for_update().filter(removed_on__isnull=True)
    held = current.filter(route=route).first()
    if held is None:
        raise DomainError(f"The licence does not hold the {Route(route).label} route")
    if current.count() == 1:
        raise DomainError("A licence must keep at least one route: surrender the licence instead")
    held.removed_on = timezone.localdate()
    held.save(update_fields=["removed_on", "updated_at"])
    audit.record(
        actor=actor, verb=Verb.ROUTE_REMOVED, target=licence, sponsor=licence.sponsor, payload={"route": route}
    )
    return held


@transaction.atomic
def licence_route_rate(
    *, licence_route: LicenceRoute, rating: str, actor, reason: str, tell: bool = True
) -> LicenceRoute:
    """Change a route's rating (Home Office compliance): a downgrade to B or a restored A.
    ``tell=False`` when the caller tells the sponsor itself (the action plan's notices)."""
    require(actor, Action.ENFORCE_LICENCE, licence_route.licence)
    held = LicenceRoute.objects.select_for_update().select_related("licence__sponsor").get(pk=licence_route.pk)
    if held.licence.status in Licence.ENDED:
        raise DomainError(f"The licence is {held.licence.get_status_display().lower()}: its ratings cannot change")
    if held.removed_on is not None:
        raise DomainError("This route has been removed from the licence")
    if not reason.strip():
        raise DomainError("Enter the reasons for the rating")
    previous = held.rating
    held.rating = rating
    held.save(update_fields=["rating", "updated_at"])
    audit.record(
        actor=actor,
        verb=Verb.ROUTE_RATED,
        target=held.licence,
        sponsor=held.licence.sponsor,
        payload={"route": held.route, "from": previous, "to": rating, "reason": reason},
    )
    if tell and rating != previous:
        sponsor_tell(
            sponsor=held.licence.sponsor,
            kind=Notice.Kind.SANCTION if rating == Rating.B else Notice.Kind.DECISION,
            subject=f"{held.get_route_display()}: rating changed to {held.get_rating_display()}",
            body=f"The rating of your {held.get_route_display()} route changed from {Rating(previous).label} to "
            f"{held.get_rating_display()}. Reasons: {reason.strip()}",
        )
    return held


@transaction.atomic
def reporting_settings_update(*, sponsor: Sponsor, actor, nation: str, internal_target_working_days: int) -> Sponsor:
    """Set whose bank holidays count for the sponsor's deadlines, and its own earlier reporting target.

    Deadlines of obligations opened from now on use the new settings; open ones keep theirs.
    """
    require(actor, Action.MANAGE_SETTINGS, sponsor)
    if nation not in Nation.values:
        raise DomainError("Select the nation whose bank holidays apply")
    if not 1 <= internal_target_working_days <= 20:
        raise DomainError("The internal target must be between 1 and 20 working days")
    licence = lock(Licence, sponsor.licence.pk)
    sponsor = Sponsor.objects.select_for_update().get(pk=sponsor.pk)
    before = {"nation": licence.nation, "internal_target_working_days": sponsor.internal_target_working_days}
    licence.nation = nation
    licence.save(update_fields=["nation", "updated_at"])
    sponsor.internal_target_working_days = internal_target_working_days
    sponsor.save(update_fields=["internal_target_working_days", "updated_at"])
    audit.record(
        actor=actor,
        verb=Verb.SETTINGS_CHANGED,
        target=sponsor,
        payload={
            "before": before,
            "after": {"nation": nation, "internal_target_working_days": internal_target_working_days},
        },
    )
    return sponsor
