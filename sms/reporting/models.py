"""The worker register, the facts recorded about each person over time, and reporting obligations."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.certificates.models import AMOUNT_VALIDATORS, WEEKLY_HOURS_VALIDATORS
from sms.core.limits import DatabaseCheck, amount_in_range, hours_in_range
from sms.core.models import TimeStampedModel
from sms.core.uploads import UploadedDocument
from sms.licensing.models import ReportableChange
from sms.reporting.catalogue import EVENT_CHOICES, EVENTS


class SponsoredPerson(TimeStampedModel):
    """A sponsored worker or student on the register, linked to their certificate."""

    class Kind(models.TextChoices):
        WORKER = "worker", "Worker"
        STUDENT = "student", "Student"

    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected to start"
        ACTIVE = "active", "Started"
        LEFT = "left", "Left"
        DID_NOT_START = "did_not_start", "Did not start"

    # A person who has left stays left: a later "started" or "enrolled" fact cannot make them active.
    TRANSITIONS: dict[str, set[str]] = {
        Status.EXPECTED: {Status.ACTIVE, Status.LEFT, Status.DID_NOT_START},
        Status.ACTIVE: {Status.LEFT},
        Status.DID_NOT_START: {Status.ACTIVE, Status.LEFT},
        Status.LEFT: set(),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="sponsored_people")
    certificate = models.OneToOneField(
        "certificates.Certificate", on_delete=models.PROTECT, null=True, blank=True, related_name="register_entry"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORKER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.EXPECTED)
    family_name = models.CharField(max_length=150)
    given_names = models.CharField(max_length=150, blank=True)
    nationality = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    passport_number = models.CharField(max_length=30, blank=True)
    employee_number = models.CharField(max_length=50, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    soc_code = models.CharField(max_length=4, blank=True)
    salary_pence = models.PositiveIntegerField(null=True, blank=True, validators=AMOUNT_VALIDATORS)
    weekly_hours = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, validators=WEEKLY_HOURS_VALIDATORS
    )
    work_address = models.TextField(blank=True)
    expected_start = models.DateField(null=True, blank=True)
    confirmed_start = models.DateField(null=True, blank=True)
    permission_start = models.DateField("visa valid from", null=True, blank=True)
    visa_granted_on = models.DateField(null=True, blank=True)
    permission_end = models.DateField("permission (visa) end date", null=True, blank=True)
    # The working pattern unpaid leave is counted in (4 weeks = 4 x days a week; domain.md section 5).
    days_per_week = models.PositiveSmallIntegerField(
        "working days a week", default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    enrolment_deadline = models.DateField(null=True, blank=True)
    enrolled_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    # Derived when facts change, so the daily sweep can find due obligations with one query.
    start_window_ends = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [
            models.Index(fields=["sponsor", "family_name"], name="person_sponsor_name"),
            models.Index(fields=["sponsor", "status"], name="person_sponsor_status"),
            models.Index(fields=["status", "start_window_ends"], name="person_start_window"),
            models.Index(fields=["kind", "enrolment_deadline"], name="person_enrolment"),
            # Permissions ending: a sponsor's dashboard, and the daily alert over every sponsor.
            models.Index(fields=["sponsor", "permission_end"], name="person_sponsor_permission_end"),
            models.Index(fields=["permission_end"], name="person_permission_end"),
        ]
        constraints = [
            DatabaseCheck(name="person_salary_in_range", condition=amount_in_range("salary_pence")),
            DatabaseCheck(name="person_hours_in_range", condition=hours_in_range("weekly_hours")),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def policy_subject(self):
        """What the policy decides a Level 2 user's OWN rule on: the certificate behind this person."""
        return self.certificate

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class Fact(TimeStampedModel):
    """Something that happened to a sponsored person, with its date and who recorded it."""

    class Kind(models.TextChoices):
        START_CONFIRMED = "start_confirmed", "Started work or study"
        ABSENCE = "absence", "Absence"
        SALARY_CHANGE = "salary_change", "Salary change"
        ROLE_CHANGE = "role_change", "Change of job or SOC code"
        LOCATION_CHANGE = "location_change", "Change of main work location"
        EMPLOYMENT_ENDED = "employment_ended", "Employment ended"
        ENROLLED = "enrolled", "Enrolled"
        STUDENT_WITHDRAWN = "student_withdrawn", "Withdrew from the course"
        STUDENT_SUSPENDED = "student_suspended", "Suspended studies"
        STUDENT_COMPLETED_EARLY = "student_completed_early", "Completed the course early"


    class Pay(models.TextChoices):
        """How an absence was paid: unpaid and reduced-pay leave count towards the 4 weeks."""

        FULL = "full", "Full pay"
        REDUCED = "reduced", "Reduced pay"
        UNPAID = "unpaid", "Unpaid"

    class LeaveReason(models.TextChoices):
        """Why the leave was taken. Every reason but "another reason" makes unpaid or reduced-pay
        leave exempt from reporting (domain.md section 5)."""

        NONE = "", "Another reason, or not given"
        MATERNITY = "maternity", "Maternity leave"
        PATERNITY = "paternity", "Paternity leave"
        ADOPTION = "adoption", "Adoption leave"
        SHARED_PARENTAL = "shared_parental", "Shared parental leave"
        NEONATAL = "neonatal", "Neonatal care leave"
        SICKNESS = "sickness", "Sickness"
        JURY_SERVICE = "jury_service", "Jury service"
        COURT_ATTENDANCE = "court_attendance", "Attending court"
        HUMANITARIAN = "humanitarian", "Humanitarian work"
        INDUSTRIAL_ACTION = "industrial_action", "Industrial action"

    class EndReason(models.TextChoices):
        """Why employment ended (domain.md section 5, ``employment_ended``)."""

        RESIGNATION = "resignation", "Resignation"
        DISMISSAL = "dismissal", "Dismissal"
        REDUNDANCY = "redundancy", "Redundancy"
        END_OF_CONTRACT = "end_of_contract", "End of contract"
        SPONSORSHIP_NOT_NEEDED = "sponsorship_not_needed", "Sponsorship no longer needed"
        OTHER = "other", "Another reason"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(SponsoredPerson, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last day, for periods such as absences")
    authorised = models.BooleanField(null=True, blank=True)
    pay = models.CharField(max_length=10, choices=Pay.choices, blank=True)
    leave_reason = models.CharField(max_length=20, choices=LeaveReason.choices, blank=True)
    end_reason = models.CharField("why employment ended", max_length=30, choices=EndReason.choices, blank=True)
    new_salary_pence = models.PositiveIntegerField(null=True, blank=True, validators=AMOUNT_VALIDATORS)
    new_value = models.TextField(blank=True, help_text="New job title, SOC code or address")
    notes = models.TextField(blank=True)
    # For an unauthorised absence: its 11th working day, when it has lasted more than 10 and becomes
    # reportable (the deadline still counts from its 10th).
    reportable_from = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["person", "kind", "start_date"], name="fact_person_kind"),
            models.Index(fields=["kind", "reportable_from"], name="fact_reportable_from"),
        ]
        constraints = [
            DatabaseCheck(name="fact_new_salary_in_range", condition=amount_in_range("new_salary_pence")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start_date:%-d %B %Y}"

    @property
    def is_unpaid_leave(self) -> bool:
        return self.kind == self.Kind.ABSENCE and self.pay in (self.Pay.UNPAID, self.Pay.REDUCED)


# Which kinds of person each kind of fact is about: the form's choices, the service's check and the
# CSV import all read this table. In the order the form offers them.
_WORKER, _STUDENT = SponsoredPerson.Kind.WORKER, SponsoredPerson.Kind.STUDENT
FACT_PERSON_KINDS: dict[str, frozenset[str]] = {
    Fact.Kind.START_CONFIRMED: frozenset({_WORKER}),
    Fact.Kind.ENROLLED: frozenset({_STUDENT}),
    Fact.Kind.ABSENCE: frozenset({_WORKER, _STUDENT}),
    Fact.Kind.SALARY_CHANGE: frozenset({_WORKER}),
    Fact.Kind.ROLE_CHANGE: frozenset({_WORKER}),
    Fact.Kind.LOCATION_CHANGE: frozenset({_WORKER}),
    Fact.Kind.EMPLOYMENT_ENDED: frozenset({_WORKER}),
    Fact.Kind.STUDENT_SUSPENDED: frozenset({_STUDENT}),
    Fact.Kind.STUDENT_WITHDRAWN: frozenset({_STUDENT}),
    Fact.Kind.STUDENT_COMPLETED_EARLY: frozenset({_STUDENT}),
}


def fact_kinds_for(person_kind: str) -> list[str]:
    """The kinds of fact that can be recorded about a worker, or about a student."""
    return [kind for kind, person_kinds in FACT_PERSON_KINDS.items() if person_kind in person_kinds]


def fact_applies(kind: str, person_kind: str) -> bool:
    return person_kind in FACT_PERSON_KINDS.get(kind, frozenset())


class ObligationQuerySet(models.QuerySet):
    def overdue(self, today: date) -> "ObligationQuerySet":
        """Open obligations whose legal deadline has passed: the one definition of overdue."""
        return self.filter(status=Obligation.Status.OPEN, legal_deadline__lt=today)


class Obligation(TimeStampedModel):
    """A duty to report one event by a computed legal deadline, and the report that met it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REPORTED_ON_TIME = "reported_on_time", "Reported on time"
        REPORTED_LATE = "reported_late", "Reported late"
        CANCELLED = "cancelled", "Cancelled"

    TRANSITIONS: dict[str, set[str]] = {
        Status.OPEN: {Status.REPORTED_ON_TIME, Status.REPORTED_LATE, Status.CANCELLED},
        Status.REPORTED_ON_TIME: set(),
        Status.REPORTED_LATE: set(),
        Status.CANCELLED: set(),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="obligations")
    person = models.ForeignKey(
        SponsoredPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="obligations"
    )
    fact = models.ForeignKey(Fact, on_delete=models.PROTECT, null=True, blank=True, related_name="obligations")
    reportable_change = models.ForeignKey(
        ReportableChange, on_delete=models.PROTECT, null=True, blank=True, related_name="obligations"
    )
    event = models.CharField(max_length=40, choices=EVENT_CHOICES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    trigger_date = models.DateField()
    legal_deadline = models.DateField()
    target_date = models.DateField()
    # What the obligation arose from, so detection can run again without opening it twice.
    source_key = models.CharField(max_length=100)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.JSONField(default=dict, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    # Whether the obligation is no longer open, kept by the database itself: the obligations list puts
    # open ones first, and a stored column lets an index give that order (no sort of every row).
    closed = models.GeneratedField(
        expression=models.Case(
            models.When(status="open", then=models.Value(False)),
            default=models.Value(True),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["legal_deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["sponsor", "source_key"], name="one_obligation_per_source")]
        indexes = [
            models.Index(fields=["sponsor", "status", "legal_deadline"], name="obligation_urgency"),
            models.Index(fields=["status", "legal_deadline"], name="obligation_overdue"),
            models.Index(fields=["status", "reported_at"], name="obligation_received"),
            # The obligations list's order (obligation_search), read page by page from the index.
            models.Index(
                fields=["sponsor", "closed", "legal_deadline", "-reported_at", "id"], name="obligation_list_order"
            ),
            # The Home Office's received reports, newest first (received_reports).
            models.Index(
                fields=["-reported_at", "-id"],
                condition=models.Q(reported_at__isnull=False),
                name="obligation_reported_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} by {self.legal_deadline:%-d %B %Y}"

    @property
    def policy_subject(self):
        """What the policy decides a Level 2 user's OWN rule on (``sms.accounts.policy``): the
        certificate of the worker or student this obligation is about, or None for an event about
        the organisation (``EventType.level_2_may_report``), which belongs to no one."""
        event = EVENTS.get(self.event)
        if event is None or not event.level_2_may_report or self.person is None:
            return None
        return self.person.certificate

    def is_overdue(self, today: date) -> bool:
        """The row-level form of ``Obligation.objects.overdue(today)``."""
        return self.status == self.Status.OPEN and self.legal_deadline < today

    @property
    def status_today(self) -> str:
        """The status as people read it today: an open obligation past its deadline is "Overdue"."""
        return "Overdue" if self.is_overdue(timezone.localdate()) else self.get_status_display()

    @property
    def event_type(self):
        return EVENTS[self.event]


class ObligationEvidence(UploadedDocument):
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="evidence")
