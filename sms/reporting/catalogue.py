"""The reportable events (domain.md section 5), as data in one place: code, label, deadline rule and
where it comes from, the fields a report needs, and who may report it. Deadlines are computed from
it, never typed in."""

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class ReportField:
    name: str
    label: str
    kind: str = "text"  # text, long_text, date, pounds, yes_no
    required: bool = True


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    working_days: int
    about: str  # "worker", "student" or "organisation"
    fields: tuple[ReportField, ...] = field(default_factory=tuple)
    as_soon_as_possible: bool = False
    source: str = ""  # the published rule the deadline comes from
    # The internal target is never later than this many working days (a reminder ahead of a deadline
    # the sources disagree on).
    remind_working_days: int | None = None

    def target_working_days(self, sponsor_target: int) -> int:
        """The sponsor's own target, brought forward to the event's reminder where it has one."""
        return min(sponsor_target, self.remind_working_days or sponsor_target)

    @property
    def level_2_may_report(self) -> bool:
        """Level 2 users report only worker and student activity, on certificates they created and assigned."""
        return self.about != "organisation"


WORKER_GUIDANCE = (
    "Workers and Temporary Workers: guidance for sponsors, Part 3: sponsor duties and compliance, "
    "annex C (reporting duties)"
)
STUDENT_GUIDANCE = "Student sponsor guidance, document 2: sponsorship duties (reporting student activity)"
ORGANISATION_GUIDANCE = (
    "Workers and Temporary Workers: guidance for sponsors, Part 3: sponsor duties and compliance, "
    "annex C (reporting changes to your organisation: 20 working days)"
)

DETAILS = ReportField("details", "What happened", "long_text")
CONTACT = ReportField("contact_attempts", "How you tried to contact them, and when", "long_text")

CATALOGUE: tuple[EventType, ...] = (
    EventType("worker_did_not_start", "Worker did not start", 10, "worker", (DETAILS, CONTACT)),
    EventType(
        "unauthorised_absence",
        "Unauthorised absence of more than 10 working days",
        10,
        "worker",
        (
            ReportField("absence_start", "First day of absence", "date"),
            ReportField("return_date", "Date they returned (if they have)", "date", required=False),
            CONTACT,
        ),
    ),
    EventType(
        "unpaid_leave",
        "Unpaid leave of more than 4 weeks in a calendar year",
        10,
        "worker",
        (ReportField("leave_start", "First day of unpaid leave", "date"), DETAILS),
    ),
    EventType(
        "employment_ended",
        "Employment ended",
        10,
        "worker",
        (ReportField("last_day", "Last day of employment", "date"), ReportField("reason", "Why it ended", "long_text")),
    ),
    EventType("role_change", "Significant change of job or SOC code", 10, "worker", (DETAILS,)),
    EventType(
        "salary_change",
        "Salary reduced or below the certificate or threshold",
        10,
        "worker",
        (
            ReportField("new_salary", "New gross annual salary", "pounds"),
            ReportField("effective_date", "Date it took effect", "date"),
        ),
    ),
    EventType(
        "work_location_change",
        "Change of main work location",
        10,
        "worker",
        (
            ReportField("new_address", "New main work address", "long_text"),
            ReportField("effective_date", "Date it took effect", "date"),
        ),
    ),
    EventType(
        "breach_of_conditions", "Reason to believe the worker breaches their conditions", 1, "worker", (DETAILS,), True
    ),
    EventType("student_not_enrolled", "Student did not enrol", 10, "student", (DETAILS, CONTACT)),
    EventType("student_absence", "Student absent without permission", 10, "student", (DETAILS, CONTACT)),
    EventType("student_withdrawn", "Student withdrew", 10, "student", (DETAILS,)),
    EventType("student_suspended", "Student suspended their studies", 10, "student", (DETAILS,)),
    EventType("student_completed_early", "Student completed the course early", 10, "student", (DETAILS,)),
    EventType(
        "org_key_personnel_change",
        "Key personnel changed",
        20,
        "organisation",
        (DETAILS,),
        source=ORGANISATION_GUIDANCE + "; the SMS user guide (seed 001) says 10, so your target is at most 10",
        remind_working_days=10,
    ),
    EventType("org_address_change", "Address or work site changed", 20, "organisation", (DETAILS,)),
    EventType("org_name_change", "Organisation name changed", 20, "organisation", (DETAILS,)),
    EventType("org_ownership_change", "Merger, acquisition or change of control", 20, "organisation", (DETAILS,)),
    EventType("org_ceased_trading", "Stopped trading or insolvency", 20, "organisation", (DETAILS,)),
    EventType(
        "org_criminal_proceedings",
        "Criminal proceedings against the organisation or key personnel",
        20,
        "organisation",
        (DETAILS,),
    ),
)

# Every event names the guidance its deadline comes from; the ones not set above take their group's.
DEFAULT_SOURCE = {"worker": WORKER_GUIDANCE, "student": STUDENT_GUIDANCE, "organisation": ORGANISATION_GUIDANCE}
CATALOGUE = tuple(replace(event, source=event.source or DEFAULT_SOURCE[event.about]) for event in CATALOGUE)

EVENTS: dict[str, EventType] = {event.code: event for event in CATALOGUE}
EVENT_CHOICES = [(event.code, event.label) for event in CATALOGUE]
