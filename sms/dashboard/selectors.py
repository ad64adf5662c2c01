"""What the sponsor's dashboard reads: the "needs doing" list, allocations, people, the score's counts,
the charts' figures and the monthly review, scoped to the viewer.

Every read is an aggregation or a short list in the database (at most ``LIST_LIMIT`` rows a kind), so
the page costs the same number of queries for 5 workers or 50,000 (tests/test_dashboard_queries.py).
A Level 2 user sees only what concerns the certificates they created (the obligations they may
report), never the organisation's people, messages, score or review (policy: those are Level 1's).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import User
from sms.accounts.policy import Action, can
from sms.certificates.allocation_rules import AllocationYear, allocation_year
from sms.certificates.allocation_rules import allocation_forecast as forecast_from_use
from sms.certificates.models import Allocation, Category, Certificate, SalaryThreshold
from sms.core import watch
from sms.core.dates import working_days_back, working_days_left
from sms.core.fees import format_pounds
from sms.core.selectors import closure_days
from sms.dashboard.models import MonthlyReview
from sms.dashboard.score import Score, ScoreCounts, compliance_score
from sms.licensing.models import KeyPerson, KeyPersonRole, Licence
from sms.messageboard.selectors import unread
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.reporting.selectors import obligations_for_user
from sms.righttowork.selectors import owed_follow_ups

LIST_LIMIT = 10  # rows of each kind read for the list; the totals are counted in the database
RECENT_USE_DAYS = 56  # the allocation forecast's window (as sms.certificates.selectors)
CURRENT = (SponsoredPerson.Status.EXPECTED, SponsoredPerson.Status.ACTIVE)


def day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def working_days_phrase(days: int) -> str:
    if days == 0:
        return "due today"
    if days < 0:
        return f"{-days} working day{'' if days == -1 else 's'} overdue"
    return f"{days} working day{'' if days == 1 else 's'} left"


# --- The viewer --------------------------------------------------------------------------------------


@dataclass
class Viewer:
    """Who is looking, on which day, in which nation's calendar."""

    user: User
    today: date
    licence: Licence | None
    closures: frozenset = frozenset()
    is_level_1: bool = False

    @property
    def sponsor_id(self):
        return self.user.sponsor_id

    @property
    def nation(self) -> str:
        return self.licence.nation if self.licence else "england-and-wales"

    def people(self):
        """The sponsored people the viewer is told about: a Level 2 user's, those on certificates they created."""
        people = SponsoredPerson.objects.filter(sponsor_id=self.sponsor_id, status__in=CURRENT)
        return people if self.is_level_1 else people.filter(certificate__created_by=self.user)

    def certificates(self):
        certificates = Certificate.objects.filter(sponsor_id=self.sponsor_id)
        return certificates if self.is_level_1 else certificates.filter(created_by=self.user)

    def working_days_left(self, deadline: date) -> int:
        return working_days_left(self.today, deadline, nation=self.nation, closures=self.closures)


def viewer_for(user: User, today: date | None = None) -> Viewer:
    """Two queries: the licence (its nation and allocation year) and the nation's closure days."""
    licence = (
        Licence.objects.filter(sponsor_id=user.sponsor_id)
        .only("nation", "start_date", "renewal_granted_on", "converted_from_tier2", "sponsor_id")
        .first()
    )
    viewer = Viewer(
        user=user,
        today=today or timezone.localdate(),
        licence=licence,
        # The organisation-wide view (people, messages, score, review) is the monthly reviewer's: Level 1.
        is_level_1=can(user, Action.COMPLETE_MONTHLY_REVIEW),
    )
    viewer.closures = closure_days(nation=viewer.nation)
    return viewer


# --- The "needs doing" list ------------------------------------------------------------------------

# How pressing an item is: the list is sorted by tier, then by the date to act by.
NOW, SOON, COMING = 0, 1, 2
TAGS = {
    NOW: ("Act now", "govuk-tag--red"),
    SOON: ("Due soon", "govuk-tag--orange"),
    COMING: ("Coming up", "govuk-tag--blue"),
}


@dataclass(frozen=True)
class Item:
    """One thing to do: what, by when, and where it is done."""

    tier: int
    when: date
    title: str
    detail: str
    url: str
    link_text: str

    @property
    def tag(self) -> str:
        return TAGS[self.tier][0]

    @property
    def tag_class(self) -> str:
        return TAGS[self.tier][1]


@dataclass
class Section:
    """One kind of item: its heading, the first ``LIST_LIMIT`` items, the total and where to see all."""

    key: str
    heading: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    more_url: str = ""
    summary: str = ""  # e.g. "2 within 30 days, 3 within 60, 5 within 90"
    more_text: str = "See all"

    @property
    def shown(self) -> bool:
        return self.total > 0


def _obligations(viewer: Viewer) -> list[Section]:
    """Open obligations: overdue; due soon, from the sponsor's internal target date (domain.md
    section 5; the same rule as the alerts, ``watch.obligation_urgency``); and the rest, still before
    their target date, as coming up. Days left are working days in the sponsor's nation."""
    today = viewer.today
    mine = obligations_for_user(viewer.user).filter(status=Obligation.Status.OPEN)
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(legal_deadline__lt=today)),
        due_soon=Count("pk", filter=Q(legal_deadline__gte=today, target_date__lte=today)),
        upcoming=Count("pk", filter=Q(legal_deadline__gte=today, target_date__gt=today)),
    )
    url = reverse("reporting:obligations")
    overdue = Section("overdue", "Overdue reports", total=counts["overdue"], more_url=url)
    due_soon = Section("due_soon", "Reports due soon", total=counts["due_soon"], more_url=url)
    upcoming = Section("upcoming", "Reports to make, before their target date", total=counts["upcoming"], more_url=url)
    pressing = mine.filter(Q(legal_deadline__lt=today) | Q(target_date__lte=today)).order_by("legal_deadline", "id")
    later = mine.filter(legal_deadline__gte=today, target_date__gt=today).order_by("target_date", "id")
    for obligation in [
        *pressing.select_related("person")[: LIST_LIMIT * 2],
        *later.select_related("person")[:LIST_LIMIT],
    ]:
        urgency = watch.obligation_urgency(
            target_date=obligation.target_date, legal_deadline=obligation.legal_deadline, today=today
        )
        section = {"overdue": overdue, "due_soon": due_soon}.get(urgency, upcoming)
        if len(section.items) >= LIST_LIMIT:
            continue
        about = f": {obligation.person.full_name}" if obligation.person_id else ""
        left = viewer.working_days_left(obligation.legal_deadline)
        detail = f"Legal deadline {day(obligation.legal_deadline)}, {working_days_phrase(left)}"
        if urgency == "due_soon":
            detail += f" (your target date was {day(obligation.target_date)})"
        elif urgency is None:
            detail += f" (your target date is {day(obligation.target_date)})"
        section.items.append(
            Item(
                {"overdue": NOW, "due_soon": SOON}.get(urgency, COMING),
                obligation.legal_deadline,
                f"{obligation.get_event_display()}{about}",
                detail,
                reverse("reporting:obligation", kwargs={"uuid": obligation.uuid}),
                "Report it",
            )
        )
    return [overdue, due_soon, upcoming]


def _certificates_expiring(viewer: Viewer) -> list[Section]:
    """Assigned certificates not yet used that expire within ``watch.CERTIFICATE_EXPIRING_DAYS``."""
    today = viewer.today
    expiring = viewer.certificates().filter(
        status=Certificate.Status.ASSIGNED,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=watch.CERTIFICATE_EXPIRING_DAYS),
    )
    section = Section(
        "certificates_expiring",
        "Certificates about to expire unused",
        total=expiring.count(),
        more_url=reverse("certificates:list") + "?status=assigned",
    )
    for certificate in expiring.order_by("expires_on", "id")[:LIST_LIMIT]:
        days_left = (certificate.expires_on - today).days
        section.items.append(
            Item(
                SOON,
                certificate.expires_on,
                f"{certificate.get_kind_display()} {certificate.reference}: {certificate.worker_name}",
                f"Expires unused on {day(certificate.expires_on)} ({days_left} day{'' if days_left == 1 else 's'}): "
                "the worker must apply for their visa before then",
                reverse("certificates:detail", kwargs={"uuid": certificate.uuid}),
                "View the certificate",
            )
        )
    return [section]


def _permissions_ending(viewer: Viewer) -> list[Section]:
    """People whose permission (visa) ends within 90, 60 or 30 days (``watch.PERMISSION_ENDING_DAYS``)."""
    today = viewer.today
    widest = max(watch.PERMISSION_ENDING_DAYS)
    ending = viewer.people().filter(permission_end__gte=today, permission_end__lte=today + timedelta(days=widest))
    bands = ending.aggregate(
        **{
            f"within_{band}": Count("pk", filter=Q(permission_end__lte=today + timedelta(days=band)))
            for band in watch.PERMISSION_ENDING_DAYS
        }
    )
    section = Section(
        "permissions_ending",
        "Permission (visa) ending",
        total=bands[f"within_{widest}"],
        more_url=reverse("reporting:register"),
        summary=", ".join(
            f"{bands[f'within_{band}']} within {band} days" for band in sorted(watch.PERMISSION_ENDING_DAYS)
        ),
    )
    narrowest = min(watch.PERMISSION_ENDING_DAYS)
    for person in ending.order_by("permission_end", "id")[:LIST_LIMIT]:
        band = watch.permission_ending_band(person.permission_end, today)
        days_left = (person.permission_end - today).days
        section.items.append(
            Item(
                SOON if band == narrowest else COMING,
                person.permission_end,
                f"Permission ends: {person.full_name}",
                f"Ends on {day(person.permission_end)}, within {band} days ({days_left} day"
                f"{'' if days_left == 1 else 's'} left): check their right to work, extend their "
                "sponsorship or plan their leaving",
                reverse("reporting:person", kwargs={"uuid": person.uuid}),
                "View the worker",
            )
        )
    return [section]


def _absences_approaching(viewer: Viewer) -> list[Section]:
    """Unauthorised absences from their 6th working day until they become reportable (the 11th), so the
    sponsor can contact the worker first (``watch.absence_is_approaching_reportable``)."""
    today = viewer.today
    started_by = working_days_back(
        today, watch.ABSENCE_APPROACHING_FROM_WORKING_DAY, nation=viewer.nation, closures=viewer.closures
    )
    absences = Fact.objects.filter(
        sponsor_id=viewer.sponsor_id,
        person__in=viewer.people(),
        kind=Fact.Kind.ABSENCE,
        authorised=False,
        start_date__lte=started_by,
        reportable_from__gt=today,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    section = Section(
        "absences_approaching",
        "Absences close to reportable",
        total=absences.count(),
        more_url=reverse("reporting:register"),
    )
    for fact in absences.select_related("person").order_by("reportable_from", "id")[:LIST_LIMIT]:
        left = viewer.working_days_left(fact.reportable_from)
        section.items.append(
            Item(
                SOON,
                fact.reportable_from,
                f"Unauthorised absence: {fact.person.full_name}",
                f"Absent since {day(fact.start_date)}; reportable from {day(fact.reportable_from)} "
                f"({left} working day{'' if left == 1 else 's'} away). Contact them, or record their return",
                reverse("reporting:person", kwargs={"uuid": fact.person.uuid}),
                "View the worker",
            )
        )
    return [section]


def _salaries_below(viewer: Viewer) -> list[Section]:
    """Current salaries below the certificate's figure, or below the route's general threshold today
    when the certificate met it (a certificate on a lower, discounted option is not flagged for it)."""
    threshold = (
        SalaryThreshold.objects.filter(route=OuterRef("certificate__route"), effective_from__lte=viewer.today)
        .order_by("-effective_from")
        .values("general_threshold_pence")[:1]
    )
    below = (
        viewer.people()
        .filter(salary_pence__isnull=False, certificate__isnull=False)
        .annotate(threshold=Subquery(threshold))
        .filter(
            Q(salary_pence__lt=F("certificate__salary_pence"))
            | (
                Q(salary_pence__lt=F("threshold"))
                & (Q(certificate__salary_pence__isnull=True) | Q(certificate__salary_pence__gte=F("threshold")))
            )
        )
    )
    section = Section(
        "salaries_below",
        "Salaries below the certificate or threshold",
        total=below.count(),
        more_url=reverse("reporting:register"),
    )
    for person in below.select_related("certificate").order_by("family_name", "id")[:LIST_LIMIT]:
        figure = person.certificate.salary_pence
        reasons = []
        if figure and person.salary_pence < figure:
            reasons.append(f"the certificate's {format_pounds(figure)}")
        if person.threshold and person.salary_pence < person.threshold:
            reasons.append(f"the {format_pounds(person.threshold)} threshold")
        section.items.append(
            Item(
                SOON,
                viewer.today,
                f"Salary below: {person.full_name}",
                f"Paid {format_pounds(person.salary_pence)}, below {' and '.join(reasons)}: report the change "
                "within 10 working days, or restore the salary",
                reverse("reporting:person", kwargs={"uuid": person.uuid}),
                "View the worker",
            )
        )
    return [section]


# --- Allocations --------------------------------------------------------------------------------------


@dataclass
class AllocationLine:
    category: str
    label: str
    granted: int
    used: int
    remaining: int
    per_week: float
    runs_out_on: date | None
    year_end: date
    runs_out_soon: bool


def allocation_year_of(viewer: Viewer) -> AllocationYear | None:
    if viewer.licence is None or viewer.licence.allocation_granted_on is None:
        return None
    return allocation_year(
        viewer.today,
        granted_on=viewer.licence.allocation_granted_on,
        converted_from_tier2=viewer.licence.converted_from_tier2,
    )


def allocations(viewer: Viewer, year: AllocationYear | None) -> list[AllocationLine]:
    """This year's allocation per category, used and left, with the run-out forecast (one query)."""
    if year is None:
        return []
    since = viewer.today - timedelta(days=RECENT_USE_DAYS)
    rows = (
        Allocation.objects.filter(sponsor_id=viewer.sponsor_id, year_start=year.start)
        .annotate(used_recently=Count("certificates", filter=Q(certificates__assigned_at__date__gt=since)))
        .order_by("category")
    )
    lines = []
    for allocation in rows:
        forecast = forecast_from_use(
            remaining=allocation.remaining,
            used_recently=allocation.used_recently,
            recent_days=RECENT_USE_DAYS,
            today=viewer.today,
            year_end=allocation.year_end,
        )
        lines.append(
            AllocationLine(
                allocation.category,
                Category(allocation.category).label,
                allocation.granted,
                allocation.used,
                allocation.remaining,
                forecast.per_week,
                forecast.runs_out_on,
                allocation.year_end,
                watch.allocation_runs_out_soon(forecast.runs_out_on, allocation.remaining, viewer.today),
            )
        )
    return lines


def _allocation_section(viewer: Viewer, lines: list[AllocationLine]) -> list[Section]:
    low = [line for line in lines if line.runs_out_soon]
    url = reverse("certificates:request_allocation" if viewer.is_level_1 else "certificates:allocations")
    section = Section("allocation", "Allocation running out", total=len(low), more_url=url)
    for line in low:
        when = line.runs_out_on or viewer.today
        detail = (
            "None left"
            if line.remaining <= 0
            else f"{line.remaining} left; at {line.per_week} a week it runs out on {day(when)}"
        )
        section.items.append(
            Item(
                SOON,
                when,
                f"{line.label} allocation",
                f"{detail}. A request for more takes time to decide: ask before it runs out",
                url,
                "Request more" if viewer.is_level_1 else "View allocations",
            )
        )
    return [section]


# --- People, messages, the monthly review (Level 1 only) -------------------------------------------


@dataclass
class PeopleFindings:
    level_1_count: int = 0
    stale: list = field(default_factory=list)  # (user, "stale" | "warning", last seen)
    single_level_1: bool = False
    one_person_holds_every_role: bool = False
    authorising_officer_left: bool = False
    authorising_officer: KeyPerson | None = None

    @property
    def stale_count(self) -> int:
        return sum(1 for _, state, _ in self.stale if state == "stale")


def people_findings(viewer: Viewer) -> PeopleFindings:
    """Key personnel and users needing attention (seed 001): two queries, a sponsor's few users."""
    level_1 = list(
        User.objects.filter(sponsor_id=viewer.sponsor_id, level=User.Level.LEVEL_1, is_active=True).order_by(
            "family_name", "given_name", "pk"
        )
    )
    current = {
        person.role: person
        for person in KeyPerson.objects.filter(sponsor_id=viewer.sponsor_id, end_date__isnull=True).select_related(
            "user"
        )
    }
    findings = PeopleFindings(level_1_count=len(level_1), single_level_1=len(level_1) == 1)
    for user in level_1:
        seen = timezone.localdate(user.last_login or user.activated_at or user.date_joined)
        state = watch.sign_in_staleness(seen, viewer.today)
        if state:
            findings.stale.append((user, state, seen))
    officer = current.get(KeyPersonRole.AUTHORISING_OFFICER)
    contact = current.get(KeyPersonRole.KEY_CONTACT)
    findings.authorising_officer = officer
    # "Has left": no current Authorising Officer, or their user account has been deactivated.
    findings.authorising_officer_left = officer is None or (officer.user is not None and not officer.user.is_active)
    if officer and contact and len(level_1) == 1:
        only = level_1[0]

        def is_only(person: KeyPerson) -> bool:
            return person.user_id == only.pk or person.email.lower() == only.email.lower()

        findings.one_person_holds_every_role = is_only(officer) and is_only(contact)
    return findings


def _people_section(viewer: Viewer, findings: PeopleFindings) -> list[Section]:
    section = Section(
        "people", "Key personnel and users", more_url=reverse("licensing:access_register"), more_text="Review users"
    )
    today = viewer.today
    if findings.authorising_officer_left:
        section.items.append(
            Item(
                NOW,
                today,
                "The Authorising Officer has left",
                "Name a new Authorising Officer: the change must be reported within 20 working days",
                reverse("licensing:replace_key_person", kwargs={"role": "authorising-officer"}),
                "Replace the Authorising Officer",
            )
        )
    for user, state, seen in findings.stale:
        section.items.append(
            Item(
                SOON if state == "stale" else COMING,
                seen + timedelta(days=watch.STALE_SIGN_IN_DAYS),
                f"Level 1 user not signing in: {user.full_name or user.email}",
                f"Last signed in {day(seen)}"
                + (": flagged to the Home Office after 12 months" if state == "stale" else ": flagged after 12 months"),
                reverse("licensing:access_register"),
                "Review users",
            )
        )
    if findings.one_person_holds_every_role:
        section.items.append(
            Item(
                COMING,
                today,
                "One person holds every role",
                "The same person is Authorising Officer, Key Contact and the only Level 1 user: if they leave, "
                "nobody can act. Name another Key Contact or request a second Level 1 user",
                reverse("portal:licence_summary"),
                "View key personnel",
            )
        )
    elif findings.single_level_1:
        section.items.append(
            Item(
                COMING,
                today,
                "Only one Level 1 user",
                "Have at least two, so someone can act when one is away or leaves",
                reverse("licensing:request_level_1"),
                "Request another Level 1 user",
            )
        )
    section.total = len(section.items)
    return [section]


def _messages_section(viewer: Viewer, unread_overdue: int) -> list[Section]:
    section = Section(
        "messages", "Unread Home Office messages", total=unread_overdue, more_url=reverse("messageboard:board")
    )
    if unread_overdue:
        section.items.append(
            Item(
                SOON,
                viewer.today,
                f"{unread_overdue} message{'' if unread_overdue == 1 else 's'} on the message board "
                f"{'has' if unread_overdue == 1 else 'have'} been unread "
                f"for more than {watch.UNREAD_MESSAGE_DAYS} days",
                "The Home Office expects its messages to be read and answered",
                reverse("messageboard:board"),
                "Read your messages",
            )
        )
    return [section]


@dataclass
class ReviewStatus:
    last: MonthlyReview | None
    next_due: date
    overdue: bool
    due: bool


def review_status(viewer: Viewer) -> ReviewStatus:
    last = (
        MonthlyReview.objects.filter(sponsor_id=viewer.sponsor_id)
        .select_related("completed_by")
        .order_by("-completed_on", "-id")
        .first()
    )
    next_due = watch.monthly_review_next_due(last.completed_on if last else None, viewer.today)
    # Never done is overdue: the score should not reward a review that has not happened.
    return ReviewStatus(last, next_due, overdue=last is None or next_due < viewer.today, due=next_due <= viewer.today)


def _review_section(viewer: Viewer, status: ReviewStatus) -> list[Section]:
    section = Section("review", "Monthly review", more_url=reverse("dashboard:review"), more_text="Start the review")
    if status.due:
        if status.last is None:
            detail = (
                "No review has been completed yet: check key personnel, outstanding reports, the allocation "
                "and Home Office messages"
            )
        elif status.overdue:
            detail = f"It was due on {day(status.next_due)}"
        else:
            detail = f"Due on {day(status.next_due)}"
        section.items.append(
            Item(
                # As pressing as the review panel above says: overdue (or never done) is red.
                NOW if status.overdue else SOON,
                status.next_due,
                "Complete the monthly review",
                detail,
                reverse("dashboard:review"),
                "Start the review",
            )
        )
    section.total = len(section.items)
    return [section]


# --- Charts' figures ---------------------------------------------------------------------------------


def _month_starts(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def allocation_use_by_month(viewer: Viewer, year: AllocationYear | None, lines: list[AllocationLine]) -> dict:
    """Certificates assigned from each allocation, month by month through the allocation year so far,
    as running totals per category (one query)."""
    if year is None or not lines:
        return {"months": [], "series": []}
    rows = (
        Certificate.objects.filter(
            allocation__sponsor_id=viewer.sponsor_id, allocation__year_start=year.start, assigned_at__isnull=False
        )
        .annotate(month=TruncMonth("assigned_at"))
        .values("allocation__category", "month")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[str, date], int] = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        counts[(row["allocation__category"], month)] = row["n"]
    months = _month_starts(year.start, min(viewer.today, year.end))
    series = []
    for line in lines:
        running, values = 0, []
        for month in months:
            running += counts.get((line.category, month), 0)
            values.append(running)
        series.append({"label": line.label, "values": values, "granted": line.granted})
    return {"months": months, "series": series}


def reports_by_month(viewer: Viewer) -> dict:
    """Reports made on time and late in each of the last 12 months (one query), of the obligations the
    viewer is told about."""
    first = (viewer.today.replace(day=1) - timedelta(days=335)).replace(day=1)
    rows = (
        obligations_for_user(viewer.user)
        .filter(
            status__in=[Obligation.Status.REPORTED_ON_TIME, Obligation.Status.REPORTED_LATE],
            reported_at__date__gte=first,
        )
        .annotate(month=TruncMonth("reported_at"))
        .values("month")
        .annotate(
            on_time=Count("pk", filter=Q(status=Obligation.Status.REPORTED_ON_TIME)),
            late=Count("pk", filter=Q(status=Obligation.Status.REPORTED_LATE)),
        )
    )
    by_month = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        by_month[month] = (row["on_time"], row["late"])
    months = _month_starts(first, viewer.today)
    return {
        "months": months,
        "on_time": [by_month.get(month, (0, 0))[0] for month in months],
        "late": [by_month.get(month, (0, 0))[1] for month in months],
    }


def _rtw_follow_ups(viewer: Viewer) -> list[Section]:
    """Right-to-work follow-up checks owed: overdue ones, and those whose notice window
    (``watch.RTW_FOLLOW_UP_NOTICE_DAYS`` before the follow-up date) has opened."""
    today = viewer.today
    soon = today + timedelta(days=7)
    owed = owed_follow_ups().filter(
        person__in=viewer.people(), follow_up_on__lte=today + timedelta(days=watch.RTW_FOLLOW_UP_NOTICE_DAYS)
    )
    counts = owed.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(follow_up_on__lt=today)))
    section = Section(
        "rtw_follow_ups",
        "Right-to-work follow-up checks",
        total=counts["total"],
        more_url=reverse("righttowork:follow_ups"),
        summary=f"{counts['overdue']} overdue" if counts["overdue"] else "",
    )
    for check in owed.select_related("person").order_by("follow_up_on", "id")[:LIST_LIMIT]:
        overdue = check.follow_up_on < today
        section.items.append(
            Item(
                NOW if overdue else SOON if check.follow_up_on <= soon else COMING,
                check.follow_up_on,
                f"Right-to-work follow-up check: {check.person.full_name}",
                (
                    f"Was due on {day(check.follow_up_on)}: check their right to work again now"
                    if overdue
                    else f"Due by {day(check.follow_up_on)}, when their permission ends: check their right to work "
                    "again before then"
                ),
                reverse("righttowork:file", kwargs={"uuid": check.person.uuid}),
                "Open their compliance file",
            )
        )
    return [section]


# --- The whole page ----------------------------------------------------------------------------------

# The "needs doing" list: each entry gives the sections of one kind of item. To add a kind (the
# right-to-work follow-up checks, for example), write a function ``(viewer) -> list[Section]`` that
# counts in the database and lists at most LIST_LIMIT items, and add it here; the page sorts every
# section's items together, most urgent first, and shows each section's total with its link.
NEEDS_DOING = (
    _obligations,
    _certificates_expiring,
    _permissions_ending,
    _rtw_follow_ups,
    _absences_approaching,
    _salaries_below,
)


@dataclass
class Dashboard:
    viewer: Viewer
    sections: list[Section]
    allocation_year: AllocationYear | None
    allocations: list[AllocationLine]
    allocation_chart: dict
    reports_chart: dict
    # Level 1 only:
    people: PeopleFindings | None = None
    unread_count: int = 0
    unread_overdue: int = 0
    review: ReviewStatus | None = None
    score: Score | None = None

    @property
    def items(self) -> list[Item]:
        """Every section's items, most urgent first."""
        return sorted((item for section in self.sections for item in section.items), key=lambda i: (i.tier, i.when))

    @property
    def sections_shown(self) -> list[Section]:
        return [section for section in self.sections if section.shown]

    @property
    def section_totals(self) -> dict[str, int]:
        return {section.key: section.total for section in self.sections}

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)


def dashboard(*, user: User, today: date | None = None) -> Dashboard:
    """Everything the sponsor's landing page shows, for this user, in a fixed number of queries."""
    viewer = viewer_for(user, today)
    sections: list[Section] = []
    for provider in NEEDS_DOING:
        sections.extend(provider(viewer))
    year = allocation_year_of(viewer)
    lines = allocations(viewer, year)
    sections.extend(_allocation_section(viewer, lines))
    result = Dashboard(
        viewer=viewer,
        sections=sections,
        allocation_year=year,
        allocations=lines,
        allocation_chart=allocation_use_by_month(viewer, year, lines),
        reports_chart=reports_by_month(viewer),
    )
    if viewer.is_level_1:
        result.people = people_findings(viewer)
        sections.extend(_people_section(viewer, result.people))
        messages = unread(user=user)
        result.unread_count, result.unread_overdue = messages.count, messages.overdue
        sections.extend(_messages_section(viewer, messages.overdue))
        result.review = review_status(viewer)
        sections.extend(_review_section(viewer, result.review))
        result.score = compliance_score(score_counts(result))
    return result


def score_counts(board: Dashboard) -> ScoreCounts:
    """The counts the score is computed from, all already on the dashboard (no further query)."""

    def total(key: str) -> int:
        section = board.section(key)
        return section.total if section else 0

    people = board.people or PeopleFindings()
    return ScoreCounts(
        overdue_obligations=total("overdue"),
        reported_on_time=sum(board.reports_chart["on_time"]),
        reported_late=sum(board.reports_chart["late"]),
        salaries_below=total("salaries_below"),
        absences_approaching=total("absences_approaching"),
        stale_level_1_users=people.stale_count,
        single_level_1=people.single_level_1,
        one_person_holds_every_role=people.one_person_holds_every_role,
        authorising_officer_left=people.authorising_officer_left,
        unread_old_messages=board.unread_overdue,
        monthly_review_overdue=board.review.overdue if board.review else True,
    )


def review_snapshot(*, sponsor_id, today: date) -> dict:
    """What the monthly review records as seen: open and overdue obligations, allocation left (two
    queries; the reviewer's unread count is added by the service)."""
    obligations = Obligation.objects.filter(sponsor_id=sponsor_id, status=Obligation.Status.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(legal_deadline__lt=today))
    )
    left = {
        Category(row["category"]).label: row["granted"] - row["used"]
        for row in Allocation.objects.filter(sponsor_id=sponsor_id, year_start__lte=today, year_end__gte=today).values(
            "category", "granted", "used"
        )
    }
    return {
        "open_obligations": obligations["open"],
        "overdue_obligations": obligations["overdue"],
        "allocation_left": left,
    }


def review_history(*, user, limit: int = 24) -> list[MonthlyReview]:
    return list(
        MonthlyReview.objects.filter(sponsor_id=user.sponsor_id)
        .select_related("completed_by")
        .order_by("-completed_on", "-id")[:limit]
    )
