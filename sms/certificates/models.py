"""Allocations, allocation requests, Certificates of Sponsorship and CAS, and their reference data.

Reference: domain.md sections 3, 4 and 8. Figures that change with policy (thresholds, going rates,
fees) are rows with effective dates, never constants.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from sms.accounts.models import Sponsor
from sms.core.identifiers import code_with_check
from sms.core.limits import MAX_AMOUNT_PENCE, MAX_WEEKLY_HOURS, DatabaseCheck, amount_in_range, hours_in_range
from sms.core.models import TimeStampedModel
from sms.licensing.models import Route

REFERENCE_LENGTH = 11
# Field rules that ``full_clean`` checks whoever saves (the database checks repeat them).
WEEKLY_HOURS_VALIDATORS = [MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_WEEKLY_HOURS)]
AMOUNT_VALIDATORS = [MaxValueValidator(MAX_AMOUNT_PENCE)]


def certificate_reference() -> str:
    """11 characters from the unambiguous alphabet, the last a check character (domain.md section 3)."""
    return code_with_check("C", REFERENCE_LENGTH)


def allocation_request_reference() -> str:
    return code_with_check("N", 10)


def defined_request_reference() -> str:
    return code_with_check("D", 10)


class Category(models.TextChoices):
    """What an allocation counts. The values match licensing.RouteCategory."""

    WORKER = "worker", "Worker CoS (undefined)"
    TEMPORARY_WORKER = "temporary_worker", "Temporary Worker CoS"
    STUDENT = "student", "CAS"


class OccupationTable(models.Model):
    """One publication of the Skilled Worker occupation tables (Appendix Skilled Occupations, the going
    rates, the Temporary Shortage List and the Immigration Salary List), in force from ``effective_from``
    until the next publication. Loaded from the published file by ``occupations_load``."""

    effective_from = models.DateField(unique=True)
    source_url = models.URLField(max_length=500, blank=True)
    hours_per_week_basis = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="The weekly hours the published annual rates are for"
    )
    sha256 = models.CharField(max_length=64, help_text="Digest of the file loaded, so reloading it changes nothing")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"Occupation tables from {self.effective_from:%-d %B %Y}"


class SkillLevel(models.TextChoices):
    """The published skill levels: Higher Skilled is RQF 6 and above, Medium Skilled RQF 3 to 5."""

    HIGHER = "higher", "Higher Skilled (RQF 6 and above)"
    MEDIUM = "medium", "Medium Skilled (RQF 3 to 5)"
    INELIGIBLE = "ineligible", "Ineligible for Skilled Worker"


class Occupation(models.Model):
    """A SOC 2020 occupation as one publication lists it: skill level, going rates (annual, on the
    publication's weekly hours basis), discounted rates, and its place on the shortage lists."""

    table = models.ForeignKey(OccupationTable, on_delete=models.CASCADE, related_name="occupations")
    code = models.CharField("SOC 2020 code", max_length=4)
    title = models.CharField(max_length=255)
    skill_level = models.CharField(max_length=10, choices=SkillLevel.choices)
    skill_level_text = models.CharField(max_length=255, help_text="The published wording, with any conditions")
    extension_only = models.BooleanField(
        default=False, help_text="Only for workers extending in the same occupation (no new sponsorships)"
    )
    # Occupations with no published going rate (healthcare and education jobs) are paid on national pay scales.
    national_pay_scale = models.BooleanField(default=False)
    going_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    lower_going_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    going_rate_note = models.CharField(max_length=255, blank=True)
    new_entrant_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    new_entrant_lower_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    phd_stem_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    phd_stem_lower_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    phd_non_stem_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    phd_non_stem_lower_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    temporary_shortage_list = models.JSONField(null=True, blank=True, help_text="The list's entry, if any")
    immigration_salary_list = models.JSONField(null=True, blank=True, help_text="The list's entry, if any")
    immigration_salary_list_rate_pence = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="one_occupation_per_table")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def rqf_level(self) -> int | None:
        """The lowest RQF level of the skill level (6 for Higher Skilled, 3 for Medium Skilled)."""
        return {SkillLevel.HIGHER: 6, SkillLevel.MEDIUM: 3}.get(self.skill_level)

    @property
    def on_shortage_list(self) -> bool:
        """On the Temporary Shortage List or the Immigration Salary List."""
        return bool(self.temporary_shortage_list or self.immigration_salary_list)


class SalaryThreshold(models.Model):
    """A route's salary thresholds and minimum skill level for new sponsorships, from a date.

    Thresholds are annual and never pro-rated; the hourly floor applies to the actual weekly hours.
    """

    route = models.CharField(max_length=40, choices=Route.choices)
    general_threshold_pence = models.PositiveIntegerField()
    minimum_rqf_level = models.PositiveSmallIntegerField()
    discounted_floor_pence = models.PositiveIntegerField(
        null=True, blank=True, help_text="Floor for the new entrant, PhD (STEM) and Immigration Salary List options"
    )
    phd_non_stem_floor_pence = models.PositiveIntegerField(null=True, blank=True)
    national_pay_scale_floor_pence = models.PositiveIntegerField(null=True, blank=True)
    hourly_floor_pence = models.PositiveIntegerField(null=True, blank=True)
    effective_from = models.DateField()

    class Meta:
        ordering = ["route", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["route", "effective_from"], name="one_threshold_per_route_date")]

    def __str__(self) -> str:
        return f"{self.get_route_display()} from {self.effective_from:%-d %B %Y}"


class Allocation(TimeStampedModel):
    """How many certificates of one category a sponsor may assign in one allocation year: 12 months
    from the licence's grant or renewal grant, or 6 April to 5 April for licences converted on
    1 December 2020. Certificates unused by ``year_end`` lapse.

    ``used`` never exceeds ``granted`` (a database constraint, and the row is locked while consuming).
    """

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="allocations")
    year_start = models.DateField(help_text="First day of the allocation year")
    year_end = models.DateField(help_text="Last day of the allocation year: unused certificates lapse after it")
    category = models.CharField(max_length=20, choices=Category.choices)
    granted = models.PositiveIntegerField(default=0)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year_start", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "year_start", "category"], name="one_allocation_per_year_category"
            ),
            models.CheckConstraint(name="allocation_never_overdrawn", condition=Q(used__lte=F("granted"))),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} from {self.year_start:%-d %B %Y}: {self.used} of {self.granted} used"

    @property
    def remaining(self) -> int:
        return self.granted - self.used


class AllocationChange(models.Model):
    """One change to an allocation's granted number: the history shown to the sponsor."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="changes")
    change = models.IntegerField()
    reason = models.CharField(max_length=255)
    request = models.ForeignKey("AllocationRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.change:+d} {self.reason}"


class AllocationRequest(TimeStampedModel):
    """A Level 1 user's request for more certificates (an increase) or next year's (annual renewal)."""

    class Kind(models.TextChoices):
        INCREASE = "increase", "Allocation increase"
        RENEWAL = "renewal", "Annual allocation renewal"

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", "Waiting for payment"
        SUBMITTED = "submitted", "Awaiting decision"
        GRANTED = "granted", "Granted"
        PARTLY_GRANTED = "partly_granted", "Partly granted"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS: dict[str, set[str]] = {
        # A priority request waits for the priority service fee before it reaches the Home Office;
        # the sponsor may instead send it without the priority service, or withdraw it.
        Status.AWAITING_PAYMENT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.GRANTED, Status.PARTLY_GRANTED, Status.REFUSED, Status.WITHDRAWN},
        Status.GRANTED: set(),
        Status.PARTLY_GRANTED: set(),
        Status.REFUSED: set(),
        Status.WITHDRAWN: set(),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="allocation_requests")
    reference = models.CharField(max_length=10, unique=True, default=allocation_request_reference)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    year_start = models.DateField()
    requested = models.JSONField(default=dict, help_text="Category -> number asked for")
    granted = models.JSONField(default=dict, blank=True, help_text="Category -> number granted")
    justification = models.TextField()
    named_individuals = models.TextField(blank=True)
    priority = models.BooleanField(default=False)
    priority_fee_pence = models.PositiveIntegerField(null=True, blank=True)
    # When the priority service fee was paid (the request reached the Home Office then).
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=11, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "priority", "created_at"]),
            models.Index(fields=["sponsor", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @staticmethod
    def _numbers_text(numbers: dict) -> str:
        # "10 Worker CoS (undefined)": the category's label, never its stored key.
        return ", ".join(f"{number} {Category(category).label}" for category, number in numbers.items() if number)

    @property
    def requested_text(self) -> str:
        return self._numbers_text(self.requested)

    @property
    def granted_text(self) -> str:
        return self._numbers_text(self.granted) or "None"


class SalaryOption(models.TextChoices):
    """The Skilled Worker salary options a sponsor may rely on (domain.md section 3)."""

    STANDARD = "standard", "Standard (general threshold and going rate)"
    NEW_ENTRANT = "new_entrant", "New entrant (under 26, studying, training or postdoctoral)"
    PHD_STEM = "phd_stem", "PhD in a STEM subject relevant to the job"
    PHD_NON_STEM = "phd_non_stem", "PhD relevant to the job (not STEM)"
    IMMIGRATION_SALARY_LIST = "immigration_salary_list", "Occupation on the Immigration Salary List"


class Certificate(TimeStampedModel):
    """A Certificate of Sponsorship (CoS) or Confirmation of Acceptance for Studies (CAS).

    A virtual document assigned to a named worker or student so they can apply for a visa. Its status
    changes only as ``TRANSITIONS`` allows, through the certificate services.
    """

    class Kind(models.TextChoices):
        COS = "cos", "Certificate of Sponsorship"
        CAS = "cas", "Confirmation of Acceptance for Studies"

    class Sponsorship(models.TextChoices):
        UNDEFINED = "undefined", "Undefined (from the annual allocation)"
        DEFINED = "defined", "Defined (requested for a named worker)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ASSIGNED = "assigned", "Assigned"
        USED = "used", "Used"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.ASSIGNED},
        Status.ASSIGNED: {Status.USED, Status.WITHDRAWN, Status.EXPIRED, Status.CANCELLED},
        Status.USED: set(),
        Status.WITHDRAWN: set(),
        Status.EXPIRED: set(),
        Status.CANCELLED: set(),
    }

    class VisaDecision(models.TextChoices):
        GRANTED = "granted", "Visa granted"
        REFUSED = "refused", "Visa refused"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.COS)
    sponsorship = models.CharField(max_length=10, choices=Sponsorship.choices, default=Sponsorship.UNDEFINED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    reference = models.CharField(max_length=REFERENCE_LENGTH, unique=True, null=True, blank=True)

    # The worker or student.
    family_name = models.CharField(max_length=150)
    given_names = models.CharField(max_length=150, blank=True)
    nationality = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    place_of_birth = models.CharField(max_length=150, blank=True)
    country_of_birth = models.CharField(max_length=100, blank=True)
    gender = models.CharField(max_length=30, blank=True)
    country_of_residence = models.CharField(max_length=100, blank=True)
    passport_number = models.CharField(max_length=30, blank=True)
    passport_issue_date = models.DateField(null=True, blank=True)
    passport_expiry_date = models.DateField(null=True, blank=True)
    home_address = models.TextField(blank=True)
    ni_number = models.CharField("National Insurance number", max_length=13, blank=True)
    employee_number = models.CharField(max_length=50, blank=True)

    # The job or course.
    route = models.CharField(max_length=40, choices=Route.choices, blank=True)
    is_extension = models.BooleanField(
        default=False, help_text="An extension for someone already sponsored by this sponsor (allowed when B-rated)"
    )
    job_title = models.CharField(max_length=200, blank=True)
    soc_code = models.CharField("SOC 2020 code", max_length=4, blank=True)
    job_summary = models.TextField(blank=True)
    salary_pence = models.PositiveIntegerField(
        "gross annual salary", null=True, blank=True, validators=AMOUNT_VALIDATORS
    )
    allowances_pence = models.PositiveIntegerField(null=True, blank=True, validators=AMOUNT_VALIDATORS)
    weekly_hours = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, validators=WEEKLY_HOURS_VALIDATORS
    )
    salary_option = models.CharField(max_length=30, choices=SalaryOption.choices, default=SalaryOption.STANDARD)
    switching_from_student = models.BooleanField(
        "applicant is switching from the Student route",
        default=False,
        help_text="No Immigration Skills Charge is due for someone switching from the Student route",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    work_address = models.TextField("main work address", blank=True)
    other_work_sites = models.TextField(blank=True)
    sponsor_note = models.TextField(blank=True)

    # Who and when.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    skills_charge_pence = models.PositiveIntegerField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # What the Home Office recorded when the certificate was used.
    visa_decision = models.CharField(max_length=10, choices=VisaDecision.choices, blank=True)
    permission_start = models.DateField(null=True, blank=True)
    permission_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sponsor", "-created_at"], name="certificate_sponsor_recent"),
            models.Index(fields=["sponsor", "status", "-created_at"], name="certificate_sponsor_status"),
            models.Index(fields=["sponsor", "family_name"], name="certificate_sponsor_name"),
            models.Index(fields=["sponsor", "route"], name="certificate_sponsor_route"),
            models.Index(fields=["status", "expires_on"], name="certificate_expiry"),
            # Each allocation's recent use, for its forecast (selectors.current_allocations).
            models.Index(fields=["allocation", "assigned_at"], name="certificate_allocation_use"),
        ]
        constraints = [
            DatabaseCheck(name="certificate_salary_in_range", condition=amount_in_range("salary_pence")),
            DatabaseCheck(name="certificate_allowances_in_range", condition=amount_in_range("allowances_pence")),
            DatabaseCheck(name="certificate_hours_in_range", condition=hours_in_range("weekly_hours")),
        ]

    def __str__(self) -> str:
        return f"{self.reference or 'Draft'}: {self.worker_name}"

    @property
    def worker_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class DefinedCosRequest(TimeStampedModel):
    """A request for a defined CoS (Skilled Worker from outside the UK), decided by the Home Office.

    The details live on a draft certificate; once granted it must be assigned by ``assign_by``
    (3 months), or it lapses.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting decision"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LAPSED = "lapsed", "Lapsed"

    TRANSITIONS: dict[str, set[str]] = {
        Status.SUBMITTED: {Status.GRANTED, Status.REFUSED, Status.WITHDRAWN},
        Status.GRANTED: {Status.LAPSED},
        Status.REFUSED: set(),
        Status.WITHDRAWN: set(),
        Status.LAPSED: set(),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="defined_cos_requests")
    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="defined_request")
    reference = models.CharField(max_length=10, unique=True, default=defined_request_reference)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    assign_by = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["status", "assign_by"])]

    def __str__(self) -> str:
        return f"Defined CoS request {self.reference}"


def import_upload_path(instance, filename: str) -> str:
    """A random stored name under MEDIA_ROOT, never served: only the worker reads it."""
    return f"certificate-imports/{uuid.uuid4().hex}.csv"


class CertificateImport(TimeStampedModel):
    """A large CSV file of draft CoS, imported by the background worker (sms.certificates.services.bulk):
    who sent it, how far the check has got, then the outcome, the drafts created or the problems
    found by row and column. The file itself is kept only until the import ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking the rows"
        CREATED = "created", "Drafts created"
        REFUSED = "refused", "Not imported: the file has problems"
        FAILED = "failed", "Could not be finished"

    TRANSITIONS: dict[str, set[str]] = {
        Status.QUEUED: {Status.CHECKING, Status.FAILED},
        Status.CHECKING: {Status.CREATED, Status.REFUSED, Status.FAILED},
        Status.CREATED: set(),
        Status.REFUSED: set(),
        Status.FAILED: set(),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="certificate_imports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=import_upload_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True, help_text="The name of the file as uploaded")
    rows = models.PositiveIntegerField(help_text="Certificates in the file")
    rows_checked = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    # The first problems, in row order, as [row, column, message]; ``problem_count`` counts them all.
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "certificate import"
        indexes = [models.Index(fields=["sponsor", "-created_at"], name="certificate_import_recent")]

    def __str__(self) -> str:
        return f"Certificate import of {self.rows:,} rows ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("certificates:import_progress", args=[self.uuid])
