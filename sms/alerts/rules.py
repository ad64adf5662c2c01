"""The daily sweep's alert rules (issue 12; domain.md section 7; thresholds in sms.core.watch).

Each rule is one set-based query for what is due today and has no alert yet (NOT EXISTS on the alert's
rule, object and stage), turned into ``AlertDraft`` rows in memory: no statement per row. The sweep
raises them all with one ``alerts_raise`` call, so a user gets one digest email a day.

To add a rule, write ``def my_rule(today, calendar) -> list[AlertDraft]`` and append it to ``RULES``;
``not_alerted(rule)`` gives the NOT EXISTS filter. For example, right-to-work follow-ups:

    def rtw_follow_up_due(today, calendar):
        due = RightToWorkCheck.objects.filter(
            follow_up_on__lte=today + timedelta(days=watch.RTW_FOLLOW_UP_NOTICE_DAYS), ...
        ).exclude(not_alerted("rtw_follow_up")).select_related("person__certificate")
        return [AlertDraft(sponsor_id=..., topic=Topic.RIGHT_TO_WORK, rule="rtw_follow_up",
                           object_id=check.pk, stage=check.follow_up_on.isoformat(), ...) for check in due]
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from sms.accounts.policy import Action, can
from sms.certificates.models import Certificate
from sms.core import watch
from sms.core.dates import nth_working_day_from
from sms.core.models import ClosureDay
from sms.licensing.models import Licence
from sms.messageboard.models import Message
from sms.messageboard.services import message_alerts
from sms.notifications.models import Alert, Topic
from sms.notifications.services import AlertDraft
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.righttowork.selectors import follow_ups_national


def uk(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def not_alerted(rule: str, *, stage: str = "", object_field: str = "pk", sponsor_field: str = "sponsor_id"):
    """The filter "an alert of ``rule`` (at ``stage``) has been raised about this row": exclude it."""
    return Exists(
        Alert.objects.filter(
            sponsor_id=OuterRef(sponsor_field), rule=rule, object_id=OuterRef(object_field), stage=stage
        )
    )


def _creator(obligation_or_person_certificate, obligation=None):
    """The certificate's creator, when they may act on it (a Level 2 user only on their own)."""
    certificate = obligation_or_person_certificate
    creator = certificate.created_by if certificate is not None else None
    if creator is None:
        return None
    if obligation is not None and not can(creator, Action.REPORT_ACTIVITY, obligation):
        return None
    return creator.pk


def _about(obligation: Obligation) -> str:
    return f" about {obligation.person.full_name}" if obligation.person_id else ""


def obligation_due_soon(today: date, calendar) -> list[AlertDraft]:
    """An open obligation reaches the sponsor's internal target date (and is not yet overdue)."""
    due = (
        Obligation.objects.filter(status=Obligation.Status.OPEN, target_date__lte=today, legal_deadline__gte=today)
        .exclude(not_alerted("obligation_due_soon"))
        .select_related("person__certificate__created_by")
    )
    return [
        AlertDraft(
            sponsor_id=obligation.sponsor_id,
            topic=Topic.OBLIGATIONS,
            rule="obligation_due_soon",
            object_id=obligation.pk,
            subject=f"Report due by {uk(obligation.legal_deadline)}: "
            f"{obligation.get_event_display()}{_about(obligation)}",
            body=f"Your own target date for this report is {uk(obligation.target_date)}. The legal deadline is "
            f"{uk(obligation.legal_deadline)}.",
            link=reverse("reporting:obligation", args=[obligation.uuid]),
            concerns_user_id=_creator(obligation.person.certificate if obligation.person_id else None, obligation),
        )
        for obligation in due
    ]


def obligation_overdue(today: date, calendar) -> list[AlertDraft]:
    """An open obligation is past its legal deadline."""
    late = (
        Obligation.objects.overdue(today)
        .exclude(not_alerted("obligation_overdue"))
        .select_related("person__certificate__created_by")
    )
    return [
        AlertDraft(
            sponsor_id=obligation.sponsor_id,
            topic=Topic.OBLIGATIONS,
            rule="obligation_overdue",
            object_id=obligation.pk,
            subject=f"Overdue: {obligation.get_event_display()}{_about(obligation)}",
            body=f"The legal deadline was {uk(obligation.legal_deadline)}. Report it now: a late report is a "
            "breach of your sponsor duties.",
            link=reverse("reporting:obligation", args=[obligation.uuid]),
            concerns_user_id=_creator(obligation.person.certificate if obligation.person_id else None, obligation),
        )
        for obligation in late
    ]


def certificate_expiring(today: date, calendar) -> list[AlertDraft]:
    """An assigned certificate not yet used expires within CERTIFICATE_EXPIRING_DAYS."""
    expiring = (
        Certificate.objects.filter(
            status=Certificate.Status.ASSIGNED,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=watch.CERTIFICATE_EXPIRING_DAYS),
        )
        .exclude(not_alerted("certificate_expiring"))
        .select_related("created_by")
    )
    return [
        AlertDraft(
            sponsor_id=certificate.sponsor_id,
            topic=Topic.CERTIFICATES,
            rule="certificate_expiring",
            object_id=certificate.pk,
            subject=f"Certificate {certificate.reference} for {certificate.given_names} {certificate.family_name} "
            f"expires unused on {uk(certificate.expires_on)}",
            body="The worker or student must apply with it before then, or it expires and cannot be used.",
            link=reverse("certificates:detail", args=[certificate.uuid]),
            concerns_user_id=certificate.created_by_id,
        )
        for certificate in expiring
    ]


def permission_ending(today: date, calendar) -> list[AlertDraft]:
    """A sponsored person's permission ends within 90, 60 or 30 days: one alert per band, the smallest
    band the end date falls in (watch.permission_ending_band), so someone first seen at 45 days is
    told once, at 60."""
    drafts = []
    bands = sorted(watch.PERMISSION_ENDING_DAYS)  # 30, 60, 90
    for index, band in enumerate(bands):
        nearer = bands[index - 1] if index else -1
        ending = (
            SponsoredPerson.objects.filter(
                permission_end__gt=today + timedelta(days=nearer),
                permission_end__lte=today + timedelta(days=band),
            )
            .exclude(status=SponsoredPerson.Status.LEFT)
            .exclude(not_alerted("permission_ending", stage=str(band)))
            .select_related("certificate")
        )
        drafts += [
            AlertDraft(
                sponsor_id=person.sponsor_id,
                topic=Topic.PERMISSIONS,
                rule="permission_ending",
                object_id=person.pk,
                stage=str(band),
                subject=f"{person.full_name}'s permission ends on {uk(person.permission_end)} "
                f"({(person.permission_end - today).days} days)",
                body=f"Check whether {person.full_name} has applied to extend their permission, and make a "
                "follow-up right-to-work check before it ends.",
                link=reverse("reporting:person", args=[person.uuid]),
                concerns_user_id=person.certificate.created_by_id if person.certificate_id else None,
            )
            for person in ending
        ]
    return drafts


def absence_approaching(today: date, calendar) -> list[AlertDraft]:
    """An unauthorised absence still going on reaches its 6th working day and is not yet reportable
    (it is from the 11th): the sponsor has a working week to contact the worker."""
    # A 6th working day is at least 6 calendar days after the start: the database narrows, the calendar decides.
    ongoing = (
        Fact.objects.filter(
            kind=Fact.Kind.ABSENCE,
            authorised=False,
            end_date__isnull=True,
            start_date__lte=today - timedelta(days=watch.ABSENCE_APPROACHING_FROM_WORKING_DAY - 1),
            reportable_from__gt=today,
        )
        .exclude(not_alerted("absence_approaching", sponsor_field="person__sponsor_id"))
        .select_related("person__certificate")
    )
    drafts = []
    for fact in ongoing:
        nation, closures = calendar(fact.person.sponsor_id)
        sixth = nth_working_day_from(
            fact.start_date, watch.ABSENCE_APPROACHING_FROM_WORKING_DAY, nation=nation, closures=closures
        )
        if sixth > today:
            continue
        person = fact.person
        drafts.append(
            AlertDraft(
                sponsor_id=person.sponsor_id,
                topic=Topic.ABSENCES,
                rule="absence_approaching",
                object_id=fact.pk,
                subject=f"{person.full_name} has been absent without permission since {uk(fact.start_date)}",
                body=f"The absence becomes reportable on {uk(fact.reportable_from)}, after "
                f"{watch.ABSENCE_REPORTABLE_AFTER_WORKING_DAYS} working days. Contact {person.full_name}, or "
                "record the absence as authorised or ended if it is.",
                link=reverse("reporting:person", args=[person.uuid]),
                concerns_user_id=person.certificate.created_by_id if person.certificate_id else None,
            )
        )
    return drafts


def home_office_messages(today: date, calendar) -> list[AlertDraft]:
    """A Home Office message published in the last UNREAD_MESSAGE_DAYS days and still shown: the
    sponsors it targets are told once. One query per such message (a handful), not per sponsor."""
    shown = Message.objects.filter(
        publish_on__lte=today, publish_on__gt=today - timedelta(days=watch.UNREAD_MESSAGE_DAYS)
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return [draft for message in shown for draft in message_alerts(message)]


# The rules the daily sweep runs, in order. Add one here (see the module docstring).
def rtw_follow_up_due(today: date, calendar) -> list[AlertDraft]:
    """A right-to-work follow-up check is coming (its notice window of RTW_FOLLOW_UP_NOTICE_DAYS has
    opened), due today, or overdue: one alert per check at each stage, three queries in all. A check
    first seen already overdue (recorded late) is told once, as overdue."""
    stages = {
        "coming": Q(follow_up_on__gt=today),
        "due": Q(follow_up_on=today),
        "overdue": Q(follow_up_on__lt=today),
    }
    drafts = []
    for stage, when in stages.items():
        owed = (
            follow_ups_national(on=today)
            .filter(when)
            .exclude(not_alerted("rtw_follow_up", stage=stage))
            .select_related("person__certificate")
        )
        for check in owed:
            person = check.person
            if stage == "overdue":
                subject = f"Right-to-work follow-up check overdue: {person.full_name} (due {uk(check.follow_up_on)})"
            elif stage == "due":
                subject = f"Right-to-work follow-up check due today: {person.full_name}"
            else:
                subject = f"Right-to-work follow-up check due by {uk(check.follow_up_on)}: {person.full_name}"
            drafts.append(
                AlertDraft(
                    sponsor_id=check.sponsor_id,
                    topic=Topic.RIGHT_TO_WORK,
                    rule="rtw_follow_up",
                    object_id=check.pk,
                    stage=stage,
                    subject=subject,
                    body=f"{person.full_name}'s right to work is time-limited. Check it again before their "
                    f"permission ends on {uk(check.follow_up_on)}, and record the check with its evidence.",
                    link=reverse("righttowork:file", args=[person.uuid]),
                    concerns_user_id=person.certificate.created_by_id if person.certificate_id else None,
                )
            )
    return drafts


RULES = [
    obligation_due_soon,
    obligation_overdue,
    certificate_expiring,
    permission_ending,
    absence_approaching,
    rtw_follow_up_due,
    home_office_messages,
]


class Calendar:
    """Each sponsor's nation and closure days for working-day rules, loaded at most once per sweep
    (two queries, only when a rule asks)."""

    def __init__(self):
        self._nations: dict[int, str] | None = None
        self._closures: dict[str, frozenset] | None = None

    def __call__(self, sponsor_id: int) -> tuple[str, frozenset]:
        if self._nations is None:
            self._nations = dict(Licence.objects.values_list("sponsor_id", "nation"))
            by_nation: dict[str, set] = defaultdict(set)
            for nation, day in ClosureDay.objects.values_list("nation", "day"):
                by_nation[nation].add(day)
            self._closures = {
                nation: frozenset(by_nation[nation] | by_nation[""])
                for nation in set(self._nations.values()) | {"england-and-wales"}
            }
        nation = self._nations.get(sponsor_id, "england-and-wales")
        return nation, self._closures.get(nation, frozenset())
