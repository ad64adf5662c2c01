"""The daily sweep: set-based, idempotent opening of time-based obligations, and the count of overdue ones."""

from collections import Counter
from datetime import date

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.notices import alerts_raise
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.selectors import ClosureCalendar
from sms.licensing.models import Licence, ReportableChange
from sms.reporting import detection
from sms.reporting.catalogue import EVENTS
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.reporting.services.facts import UNPAID_PAY
from sms.reporting.services.obligations import obligation_alert

Kind = Fact.Kind

# The daily sweep.


@transaction.atomic
def obligations_sweep(*, today: date | None = None) -> dict[str, int]:
    """Open every obligation whose trigger has passed and count the overdue ones. Set-based: each rule is
    one query for what is due and has no obligation yet, then one bulk insert; running it twice
    changes nothing."""
    today = today or timezone.localdate()
    opened = {}
    closures = ClosureCalendar()

    did_not_start = SponsoredPerson.objects.filter(
        kind=SponsoredPerson.Kind.WORKER,
        status=SponsoredPerson.Status.EXPECTED,
        confirmed_start__isnull=True,
        start_window_ends__lt=today,
    ).exclude(Exists(Obligation.objects.filter(person_id=OuterRef("pk"), event="worker_did_not_start")))
    opened["worker_did_not_start"] = _bulk_open(
        closures,
        [(person.sponsor, "worker_did_not_start", person.start_window_ends, f"person:{person.pk}:did_not_start", person, None, None)  # noqa: E501
         for person in did_not_start.select_related("sponsor")]
    )  # fmt: skip

    not_enrolled = (
        SponsoredPerson.objects.filter(
            kind=SponsoredPerson.Kind.STUDENT, enrolled_on__isnull=True, enrolment_deadline__lt=today
        )
        .exclude(status=SponsoredPerson.Status.LEFT)
        .exclude(Exists(Obligation.objects.filter(person_id=OuterRef("pk"), event="student_not_enrolled")))
    )
    opened["student_not_enrolled"] = _bulk_open(
        closures,
        [(person.sponsor, "student_not_enrolled", person.enrolment_deadline, f"person:{person.pk}:not_enrolled", person, None, None)  # noqa: E501
         for person in not_enrolled.select_related("sponsor")]
    )  # fmt: skip

    absences = (
        Fact.objects.filter(kind=Kind.ABSENCE, authorised=False, reportable_from__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=F("reportable_from")))
        .exclude(Exists(Obligation.objects.filter(fact_id=OuterRef("pk"))))
        .select_related("person__sponsor")
    )
    # The report is due 10 working days after the 10th working day of absence, in the sponsor's calendar.
    calendars = _calendars({fact.sponsor_id for fact in absences}, closures)
    opened["absences"] = _bulk_open(
        closures,
        [(fact.person.sponsor,
          "student_absence" if fact.person.kind == SponsoredPerson.Kind.STUDENT else "unauthorised_absence",
          detection.absence_deadline_anchor(fact.start_date, **calendars[fact.sponsor_id]),
          f"fact:{fact.pk}", fact.person, fact, None)
         for fact in absences]
    )  # fmt: skip

    # A last day recorded in advance (a resignation with notice): the obligation opens on that day.
    leavers = Fact.objects.filter(kind=Kind.EMPLOYMENT_ENDED, start_date__lte=today).exclude(
        Exists(Obligation.objects.filter(fact_id=OuterRef("pk")))
    )
    opened["employment_ended"] = _bulk_open(
        closures,
        [(fact.person.sponsor, "employment_ended", fact.start_date, f"fact:{fact.pk}", fact.person, fact, None)
         for fact in leavers.select_related("person__sponsor")]
    )  # fmt: skip
    leaving_from = [
        status for status, moves in SponsoredPerson.TRANSITIONS.items() if SponsoredPerson.Status.LEFT in moves
    ]
    SponsoredPerson.objects.filter(left_on__lte=today, status__in=leaving_from).update(
        status=SponsoredPerson.Status.LEFT, updated_at=timezone.now()
    )

    # Unpaid or reduced-pay leave still going on passes 4 weeks with the days, not with a new fact.
    year = today.year
    on_leave = (
        SponsoredPerson.objects.filter(
            kind=SponsoredPerson.Kind.WORKER,
            facts__kind=Kind.ABSENCE,
            facts__pay__in=UNPAID_PAY,
            facts__end_date__isnull=True,
        )
        .exclude(
            Exists(Obligation.objects.filter(person_id=OuterRef("pk"), event="unpaid_leave", trigger_date__year=year))
        )
        .distinct()
        .select_related("sponsor")
        .prefetch_related("facts")
    )
    calendars = _calendars({person.sponsor_id for person in on_leave}, closures)
    rows = []
    for person in on_leave:
        leave = [
            detection.Leave(fact.start_date, fact.end_date, fact.leave_reason)
            for fact in person.facts.all()
            if fact.is_unpaid_leave
        ]
        trigger = detection.unpaid_leave_trigger(
            leave, year=year, today=today, days_per_week=person.days_per_week, **calendars[person.sponsor_id]
        )
        if trigger:
            rows.append(
                (person.sponsor, "unpaid_leave", trigger, f"person:{person.pk}:unpaid_leave:{year}", person, None, None)
            )
    opened["unpaid_leave"] = _bulk_open(closures, rows)

    changes = ReportableChange.objects.exclude(Exists(Obligation.objects.filter(reportable_change_id=OuterRef("pk"))))
    opened["organisation"] = _bulk_open(
        closures,
        [(change.sponsor, change.event, change.effective_date, f"change:{change.pk}", None, None, change)
         for change in changes.select_related("sponsor")]
    )  # fmt: skip

    counts = {**opened, "overdue": Obligation.objects.overdue(today).count()}
    return counts


def _nations(sponsor_ids) -> dict[int, str]:
    """Each sponsor's nation (England and Wales when its licence does not say), in one query."""
    nations = dict(Licence.objects.filter(sponsor_id__in=sponsor_ids).values_list("sponsor_id", "nation"))
    return {sponsor_id: nations.get(sponsor_id, "england-and-wales") for sponsor_id in sponsor_ids}


def _calendars(sponsor_ids, closures: ClosureCalendar) -> dict:
    """Each sponsor's nation and closure days, as keyword arguments for the working-day rules."""
    return {
        sponsor_id: {"nation": nation, "closures": closures[nation]}
        for sponsor_id, nation in _nations(sponsor_ids).items()
    }


def _bulk_open(closures: ClosureCalendar, rows) -> int:
    """Create obligations for (sponsor, event, trigger, key, person, fact, change) rows in one insert,
    computing each deadline with the sponsor's nation and closure days (read once for the sweep)."""
    if not rows:
        return 0
    sponsor_ids = {row[0].pk for row in rows}
    nations = _nations(sponsor_ids)
    obligations = []
    for sponsor, event, trigger, key, person, fact, change in rows:
        nation = nations[sponsor.pk]
        legal, target = detection.deadlines(
            trigger,
            working_days=EVENTS[event].working_days,
            target_working_days=EVENTS[event].target_working_days(sponsor.internal_target_working_days),
            nation=nation,
            closures=closures[nation],
        )
        obligations.append(
            Obligation(
                sponsor=sponsor, person=person, fact=fact, reportable_change=change, event=event,
                trigger_date=trigger, legal_deadline=legal, target_date=target, source_key=key,
            )
        )  # fmt: skip
    created = Obligation.objects.bulk_create(obligations, ignore_conflicts=True)
    # One digest email per user for the day's new obligations, in this transaction.
    alerts_raise(
        [
            obligation_alert(obligation)
            for obligation in Obligation.objects.filter(
                sponsor_id__in=sponsor_ids, source_key__in=[o.source_key for o in obligations]
            ).select_related("person__certificate__created_by")
        ],
        digest=True,
    )
    by_sponsor = Counter(obligation.sponsor_id for obligation in obligations)
    audit.record_many(
        [
            {
                "actor": None,
                "verb": Verb.OBLIGATIONS_SWEPT,
                "sponsor": Sponsor(pk=sponsor_id),
                "payload": {"opened": count},
            }
            for sponsor_id, count in by_sponsor.items()
        ]
    )
    return len(created)
