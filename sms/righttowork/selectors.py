"""Reads of right-to-work checks and training records, scoped to the acting user's sponsor.

The follow-up selectors are what the dashboard and the daily alerts ask: each is one set-based query
(no loop over workers) on the partial indexes of current checks, and each counts only follow-ups
still owed: the worker's current check (a newer check answers an older one's follow-up), with a
time-limited result, of a worker who has not left.
"""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from sms.core.watch import RTW_FOLLOW_UP_NOTICE_DAYS
from sms.reporting.models import Obligation, SponsoredPerson
from sms.righttowork.models import RightToWorkCheck, TrainingRecord

# How near a training record's next due date is "due soon" on the training list.
TRAINING_DUE_SOON_DAYS = 30


def owed_follow_ups() -> QuerySet[RightToWorkCheck]:
    """Every follow-up check still owed, in every sponsor: the base of the selectors below."""
    return RightToWorkCheck.objects.filter(
        is_current=True, result=RightToWorkCheck.Result.TIME_LIMITED, follow_up_on__isnull=False
    ).exclude(person__status=SponsoredPerson.Status.LEFT)


def follow_ups_due(
    *, sponsor_id, today: date, within_days: int = RTW_FOLLOW_UP_NOTICE_DAYS
) -> QuerySet[RightToWorkCheck]:
    """A sponsor's follow-up checks falling due from ``today`` to ``today + within_days`` (both
    included; by default the notice window of ``core.watch.RTW_FOLLOW_UP_NOTICE_DAYS``), soonest
    first, with their worker. Overdue ones are not here: see ``follow_ups_overdue``."""
    return (
        owed_follow_ups()
        .filter(sponsor_id=sponsor_id, follow_up_on__gte=today, follow_up_on__lte=today + timedelta(days=within_days))
        .select_related("person")
        .order_by("follow_up_on", "id")
    )


def follow_ups_overdue(*, sponsor_id, today: date) -> QuerySet[RightToWorkCheck]:
    """A sponsor's follow-up checks whose date has passed (before ``today``) and that no newer check
    has answered, longest overdue first, with their worker."""
    return (
        owed_follow_ups()
        .filter(sponsor_id=sponsor_id, follow_up_on__lt=today)
        .select_related("person")
        .order_by("follow_up_on", "id")
    )


def follow_ups_national(*, on: date, within_days: int = RTW_FOLLOW_UP_NOTICE_DAYS) -> QuerySet[RightToWorkCheck]:
    """For the daily sweep: every sponsor's follow-up checks owed by ``on + within_days``, overdue
    ones included, with their sponsor and worker, ordered by sponsor then date.

    A check's stage on ``on`` follows from its ``follow_up_on``: before ``on`` overdue, equal due
    today, later coming (its notice window, ``core.watch.rtw_follow_up_window_opens``, has opened).
    The sweep makes each alert once by keying it on the check and the stage, so running it twice (or
    after a missed day) sends nothing twice and misses nothing.
    """
    return (
        owed_follow_ups()
        .filter(follow_up_on__lte=on + timedelta(days=within_days))
        .select_related("sponsor", "person")
        .order_by("sponsor_id", "follow_up_on", "id")
    )


def workers_without_a_check(*, sponsor_id) -> QuerySet[SponsoredPerson]:
    """A sponsor's workers on the register (not left) with no right-to-work check recorded."""
    return (
        SponsoredPerson.objects.filter(sponsor_id=sponsor_id, kind=SponsoredPerson.Kind.WORKER)
        .exclude(status=SponsoredPerson.Status.LEFT)
        .filter(~Exists(RightToWorkCheck.objects.filter(person=OuterRef("pk"))))
        .order_by("family_name", "given_names", "id")
    )


def checks_of(person: SponsoredPerson) -> QuerySet[RightToWorkCheck]:
    """A worker's checks, newest first, with who checked and their evidence (a fixed number of queries)."""
    return (
        RightToWorkCheck.objects.filter(person=person)
        .select_related("checked_by", "recorded_by")
        .prefetch_related("evidence")
        .order_by("-checked_on", "-id")
    )


def check_for_user(*, user, person_uuid, uuid) -> RightToWorkCheck:
    """One check of one of the user's sponsor's workers; another sponsor's is not found (404)."""
    found = (
        RightToWorkCheck.objects.filter(sponsor_id=user.sponsor_id, person__uuid=person_uuid, uuid=uuid)
        .select_related("person__certificate", "sponsor")
        .first()
    )
    if found is None:
        raise Http404
    return found


def training_records(*, user) -> QuerySet[TrainingRecord]:
    """The user's sponsor's training records: most overdue first (by next due date), then by name."""
    return TrainingRecord.objects.filter(sponsor_id=user.sponsor_id).order_by("next_due", "trainee_name", "id")


def training_record_for_user(*, user, uuid) -> TrainingRecord:
    found = TrainingRecord.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid).first()
    if found is None:
        raise Http404
    return found


def training_flags(record: TrainingRecord, today: date) -> dict[str, bool]:
    return {
        "overdue": record.next_due < today,
        "due_soon": today <= record.next_due <= today + timedelta(days=TRAINING_DUE_SOON_DAYS),
    }


def compliance_file(person: SponsoredPerson) -> dict:
    """Everything kept about one worker, for their compliance file: certificate, permission dates,
    right-to-work checks with evidence, facts, and obligations with their reports and evidence."""
    return {
        "checks": list(checks_of(person)),
        "facts": list(person.facts.select_related("recorded_by").order_by("-start_date", "-id")[:500]),
        "obligations": list(
            Obligation.objects.filter(person=person)
            .select_related("reported_by")
            .prefetch_related("evidence")
            .order_by("legal_deadline", "id")[:500]
        ),
    }
