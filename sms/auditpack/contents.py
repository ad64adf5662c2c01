"""What goes into an audit pack: the records a compliance officer asks for at a visit.

Each section is a titled table of display text, built with a fixed number of queries whatever the
sponsor's size (values_list over the sponsor's rows, labels from the choice lists), so the PDF and
the ZIP of CSV files are two renderings of the same contents and cannot disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.audit.models import VERB_LABELS, AuditEvent
from sms.certificates.models import Certificate
from sms.core.fees import format_pounds
from sms.dashboard.models import MonthlyReview
from sms.licensing.models import KeyPerson, KeyPersonRole, Licence, LicenceRoute, Rating, Route
from sms.reporting.catalogue import EVENT_CHOICES
from sms.reporting.models import Obligation, SponsoredPerson
from sms.righttowork.models import RightToWorkCheck, TrainingRecord, share_code_display
from sms.trail.details import event_details


def uk_date(day: date | datetime | None) -> str:
    """23 November 2026 (the GOV.UK style), or empty."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return f"{day.day} {day:%B %Y}"


def uk_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y %H:%M}"


def _name(family: str, given: str) -> str:
    return f"{given} {family}".strip()


@dataclass
class Section:
    """One table of the pack: its heading, a sentence saying what it holds, columns and rows."""

    key: str  # also the CSV file's name
    title: str
    intro: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    empty: str = "None."


@dataclass
class PackContents:
    sponsor: Sponsor
    licence: Licence | None
    period_start: date
    period_end: date
    produced_at: datetime
    sections: list[Section]


def licence_section(sponsor: Sponsor, licence: Licence | None) -> Section:
    section = Section("licence", "Licence summary", "The licence as it stands on the day the pack was produced.",
                      ["Detail", "Value"])  # fmt: skip
    if licence is None:
        section.rows = [["Organisation", sponsor.name], ["Licence", "No licence"]]
        return section
    routes = LicenceRoute.objects.filter(licence=licence, removed_on__isnull=True).order_by("route")
    route_labels, rating_labels = dict(Route.choices), dict(Rating.choices)
    section.rows = [
        ["Organisation", sponsor.name],
        ["Licence number", licence.number],
        ["Status", licence.get_status_display()],
        ["Licence start", uk_date(licence.start_date)],
        ["Licence expiry", uk_date(licence.expiry_date)],
        *[
            [
                "Route",
                f"{route_labels.get(route, route)}: {rating_labels.get(rating, rating)} rating, "
                f"since {uk_date(granted)}",
            ]
            for route, rating, granted in routes.values_list("route", "rating", "granted_on")
        ],
    ]  # fmt: skip
    return section


def key_personnel_section(sponsor: Sponsor, start: date, end: date) -> Section:
    """Everyone who held a key role at any time in the period (current and former)."""
    roles = dict(KeyPersonRole.choices)
    people = (
        KeyPerson.objects.filter(sponsor=sponsor, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("role", "start_date")
        .values_list("role", "given_name", "family_name", "email", "phone", "start_date", "end_date")
    )
    return Section(
        "key_personnel", "Key personnel", "Everyone who held a key role at any time in the period.",
        ["Role", "Name", "Email", "Phone", "From", "Until"],
        [[roles.get(role, role), _name(family, given), email, phone, uk_date(since), uk_date(until) or "Now"]
         for role, given, family, email, phone, since, until in people],
    )  # fmt: skip


def access_register_section(sponsor: Sponsor) -> Section:
    """Every account of the sponsor, active or not, with its last sign-in."""
    levels = dict(User.Level.choices)
    users = (
        User.objects.filter(sponsor=sponsor)
        .order_by("-is_active", "level", "family_name")
        .values_list("given_name", "family_name", "email", "level", "is_active", "activated_at", "date_joined",
                     "last_login")
    )  # fmt: skip
    rows = []
    for given, family, email, level, active, activated, joined, last in users:
        status = "Active" if active and activated else ("Not activated" if active else "Deactivated")
        rows.append([_name(family, given), email, levels.get(level, level), status, uk_date(joined),
                     uk_date(last) or "Never"])  # fmt: skip
    return Section(
        "access_register", "Access register", "Every user account of the organisation, active or not.",
        ["Name", "Email", "Level", "Status", "Added", "Last signed in"], rows,
    )  # fmt: skip


def certificates_section(sponsor: Sponsor) -> Section:
    """Every certificate assigned (drafts are not certificates yet), oldest first."""
    statuses, routes = dict(Certificate.Status.choices), dict(Route.choices)
    kinds = dict(Certificate.Kind.choices)
    certificates = (
        Certificate.objects.filter(sponsor=sponsor)
        .exclude(status=Certificate.Status.DRAFT)
        .order_by("assigned_at", "id")
        .values_list("reference", "kind", "given_names", "family_name", "route", "status", "assigned_at",
                     "expires_on", "fee_pence", "skills_charge_pence", "withdrawal_reason")
    )  # fmt: skip
    rows = [
        [reference or "", kinds.get(kind, kind), _name(family, given), routes.get(route, route),
         statuses.get(status, status), uk_date(assigned), uk_date(expires),
         format_pounds((fee or 0) + (charge or 0)), reason]
        for reference, kind, given, family, route, status, assigned, expires, fee, charge, reason in certificates
    ]  # fmt: skip
    return Section(
        "certificates", "Certificates", "Every certificate assigned, with its status today.",
        ["Reference", "Kind", "Worker or student", "Route", "Status", "Assigned", "Must be used by", "Charged",
         "Withdrawal reason"], rows,
    )  # fmt: skip


def worker_register_section(sponsor: Sponsor) -> Section:
    statuses, kinds = dict(SponsoredPerson.Status.choices), dict(SponsoredPerson.Kind.choices)
    people = (
        SponsoredPerson.objects.filter(sponsor=sponsor)
        .order_by("family_name", "given_names", "id")
        .values_list("given_names", "family_name", "kind", "status", "job_title", "soc_code", "salary_pence",
                     "confirmed_start", "expected_start", "permission_end", "left_on")
    )  # fmt: skip
    rows = [
        [_name(family, given), kinds.get(kind, kind), statuses.get(status, status), job, soc,
         format_pounds(salary) if salary is not None else "", uk_date(confirmed or expected),
         uk_date(permission_end) or "Not recorded", uk_date(left)]
        for given, family, kind, status, job, soc, salary, confirmed, expected, permission_end, left in people
    ]  # fmt: skip
    return Section(
        "worker_register", "Worker register", "Every sponsored worker and student on the register.",
        ["Name", "Type", "Status", "Job or course", "SOC code", "Salary", "Start", "Permission ends", "Left"], rows,
    )  # fmt: skip


def _about(given: str | None, family: str | None) -> str:
    return _name(family or "", given or "") or "The organisation"


def reports_section(sponsor: Sponsor, start: date, end: date) -> Section:
    """Reports made in the period and whether each met its legal deadline."""
    events, statuses = dict(EVENT_CHOICES), dict(Obligation.Status.choices)
    reported = (
        Obligation.objects.filter(
            sponsor=sponsor,
            status__in=[Obligation.Status.REPORTED_ON_TIME, Obligation.Status.REPORTED_LATE],
            reported_at__gte=_start_of(start),
            reported_at__lt=_start_of_next(end),
        )
        .order_by("reported_at", "id")
        .values_list("event", "person__given_names", "person__family_name", "trigger_date", "legal_deadline",
                     "reported_at", "reported_by__given_name", "reported_by__family_name", "status")
    )  # fmt: skip
    rows = [
        [events.get(event, event), _about(given, family), uk_date(trigger), uk_date(deadline), uk_date(at),
         _name(by_family or "", by_given or ""), statuses.get(status, status)]
        for event, given, family, trigger, deadline, at, by_given, by_family, status in reported
    ]  # fmt: skip
    return Section(
        "reports", "Reports made", "Every report made in the period, against its legal deadline.",
        ["Event", "About", "Happened", "Legal deadline", "Reported", "Reported by", "Timeliness"], rows,
    )  # fmt: skip


def open_obligations_section(sponsor: Sponsor, today: date) -> Section:
    """What is still to be reported on the day the pack is produced, overdue first."""
    events = dict(EVENT_CHOICES)
    open_ = (
        Obligation.objects.filter(sponsor=sponsor, status=Obligation.Status.OPEN)
        .order_by("legal_deadline", "id")
        .values_list("event", "person__given_names", "person__family_name", "trigger_date", "legal_deadline")
    )
    rows = [
        [events.get(event, event), _about(given, family), uk_date(trigger), uk_date(deadline),
         "Overdue" if deadline < today else "Open"]
        for event, given, family, trigger, deadline in open_
    ]  # fmt: skip
    return Section(
        "open_obligations", "Still to report", "Duties to report that were open on the day the pack was produced.",
        ["Event", "About", "Happened", "Legal deadline", "State"], rows, empty="Nothing is waiting to be reported.",
    )  # fmt: skip


def audit_trail_section(sponsor: Sponsor, start: date, end: date) -> Section:
    events = (
        AuditEvent.objects.filter(
            sponsor=sponsor, occurred_at__gte=_start_of(start), occurred_at__lt=_start_of_next(end)
        )
        .order_by("occurred_at", "id")
        .only("occurred_at", "actor_label", "verb", "target_label", "payload_json")
    )
    rows = [
        [uk_time(event.occurred_at), event.actor_label or "The system", VERB_LABELS.get(event.verb, event.verb),
         event.target_label, "; ".join(f"{label}: {text}" for label, text in event_details(event))]
        for event in events.iterator(chunk_size=2000)
    ]  # fmt: skip
    return Section(
        "audit_trail", "Audit trail", "Everything done in the organisation's account in the period, oldest first.",
        ["Time", "Who", "What", "About", "Details"], rows,
    )  # fmt: skip


def right_to_work_section(sponsor: Sponsor) -> Section:
    """Every right-to-work check recorded, each worker's current one marked."""
    methods, results = dict(RightToWorkCheck.Method.choices), dict(RightToWorkCheck.Result.choices)
    checks = (
        RightToWorkCheck.objects.filter(sponsor=sponsor)
        .order_by("person__family_name", "person__given_names", "person_id", "-checked_on", "-id")
        .values_list("person__given_names", "person__family_name", "checked_on", "method", "share_code",
                     "ecs_reference", "checked_by__given_name", "checked_by__family_name", "performed_by_name",
                     "result", "follow_up_on", "is_current")
    )  # fmt: skip
    rows = [
        [_name(family, given), uk_date(checked), methods.get(method, method),
         share_code_display(share_code) if share_code else ecs_reference,
         performed or _name(by_family or "", by_given or ""), results.get(result, result), uk_date(follow_up),
         "Yes" if current else "No"]
        for given, family, checked, method, share_code, ecs_reference, by_given, by_family, performed, result,
        follow_up, current in checks
    ]  # fmt: skip
    return Section(
        "right_to_work", "Right-to-work checks", "Every right-to-work check recorded, with its follow-up date.",
        ["Worker", "Checked on", "Method", "Share code or reference", "Checked by", "Result", "Follow-up due",
         "Current check"], rows, empty="No right-to-work checks are recorded.",
    )  # fmt: skip


def training_section(sponsor: Sponsor, today: date) -> Section:
    records = (
        TrainingRecord.objects.filter(sponsor=sponsor)
        .order_by("trainee_name", "-taken_on", "id")
        .values_list("trainee_name", "trainee_role", "course", "taken_on", "next_due")
    )
    rows = [
        [name, role, course, uk_date(taken), uk_date(due), "Overdue" if due < today else "Up to date"]
        for name, role, course, taken, due in records
    ]
    return Section(
        "training", "Training records", "Training of key personnel and users in the sponsor's duties.",
        ["Person", "Role", "Course", "Taken", "Next due", "State"], rows, empty="No training is recorded.",
    )  # fmt: skip


def monthly_reviews_section(sponsor: Sponsor, start: date, end: date) -> Section:
    """The monthly compliance reviews completed in the period (seed 001's monthly check)."""
    reviews = (
        MonthlyReview.objects.filter(sponsor=sponsor, completed_on__gte=start, completed_on__lte=end)
        .order_by("completed_on", "id")
        .values_list("completed_on", "completed_by__given_name", "completed_by__family_name",
                     "key_personnel_current", "reports_checked", "allocation_sufficient", "messages_read", "notes")
    )  # fmt: skip

    def yes(value: bool) -> str:
        return "Yes" if value else "No"

    rows = [
        [uk_date(on), _name(family or "", given or ""), yes(people), yes(reports), yes(allocation), yes(messages),
         notes]
        for on, given, family, people, reports, allocation, messages, notes in reviews
    ]  # fmt: skip
    return Section(
        "monthly_reviews", "Monthly compliance reviews", "The monthly reviews completed in the period.",
        ["Completed", "By", "Key personnel current", "Reports checked", "Allocation sufficient", "Messages read",
         "Notes"], rows, empty="No monthly review was completed in the period.",
    )  # fmt: skip


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _start_of_next(day: date) -> datetime:
    return _start_of(day + timedelta(days=1))


# The sections in the order the pack shows them. Each takes the pack's context and returns a Section;
# an app that keeps records a compliance officer asks for adds its builder here.
SectionBuilder = Callable[["PackContext"], Section]


@dataclass
class PackContext:
    sponsor: Sponsor
    licence: Licence | None
    period_start: date
    period_end: date
    today: date


SECTIONS: list[tuple[str, SectionBuilder]] = [
    ("Licence summary", lambda c: licence_section(c.sponsor, c.licence)),
    ("Key personnel", lambda c: key_personnel_section(c.sponsor, c.period_start, c.period_end)),
    ("Access register", lambda c: access_register_section(c.sponsor)),
    ("Certificates", lambda c: certificates_section(c.sponsor)),
    ("Worker register", lambda c: worker_register_section(c.sponsor)),
    ("Right-to-work checks", lambda c: right_to_work_section(c.sponsor)),
    ("Training records", lambda c: training_section(c.sponsor, c.today)),
    ("Monthly reviews", lambda c: monthly_reviews_section(c.sponsor, c.period_start, c.period_end)),
    ("Reports made", lambda c: reports_section(c.sponsor, c.period_start, c.period_end)),
    ("Still to report", lambda c: open_obligations_section(c.sponsor, c.today)),
    ("Audit trail", lambda c: audit_trail_section(c.sponsor, c.period_start, c.period_end)),
]


def pack_contents(
    sponsor: Sponsor, *, period_start: date, period_end: date, progress: Callable[[int, str], None] | None = None
) -> PackContents:
    """Every section for ``sponsor`` and the period; ``progress(percent, stage)`` is told as each starts."""
    licence = Licence.objects.filter(sponsor=sponsor).first()
    context = PackContext(sponsor, licence, period_start, period_end, timezone.localdate())
    sections: list[Section] = []
    for number, (stage, build) in enumerate(SECTIONS):
        if progress:
            progress(int(80 * number / len(SECTIONS)), stage)
        sections.append(build(context))
    return PackContents(sponsor, licence, period_start, period_end, timezone.now(), sections)
