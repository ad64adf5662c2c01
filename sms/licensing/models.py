"""The sponsor, its licence, routes and ratings, key personnel, and the changes it must report.

Reference: domain.md sections 1 and 2.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sms.accounts.models import Sponsor
from sms.core.dates import Nation
from sms.core.identifiers import check_character, code_with_check, random_code
from sms.core.models import TimeStampedModel
from sms.core.uploads import UploadedDocument


def application_reference() -> str:
    return code_with_check("A", 10)


def request_reference() -> str:
    return code_with_check("R", 10)


# Seven random characters: 23^7 (3.4 billion) numbers, where six gave 148 million and among the
# 120,000 licences of a national population some 40-50 draws would repeat one. The check character
# over the body catches a mistyped character or two swapped neighbours. A draw that still repeats
# an existing number is drawn again by the service that grants the licence.
LICENCE_NUMBER_BODY = 7
LICENCE_NUMBER_LENGTH = len("SPN") + LICENCE_NUMBER_BODY + 1


def licence_number() -> str:
    """Like the domain's example SPN7Q2K4M8: SPN, random characters and their check character."""
    body = random_code(LICENCE_NUMBER_BODY)
    return f"SPN{body}{check_character(body)}"


class Route(models.TextChoices):
    """Immigration routes a licence can hold (domain.md section 2)."""

    SKILLED_WORKER = "skilled_worker", "Skilled Worker"
    GBM_SENIOR_SPECIALIST = "gbm_senior_specialist", "Global Business Mobility: Senior or Specialist Worker"
    GBM_GRADUATE_TRAINEE = "gbm_graduate_trainee", "Global Business Mobility: Graduate Trainee"
    GBM_SECONDMENT = "gbm_secondment", "Global Business Mobility: Secondment Worker"
    GBM_SERVICE_SUPPLIER = "gbm_service_supplier", "Global Business Mobility: Service Supplier"
    GBM_UK_EXPANSION = "gbm_uk_expansion", "Global Business Mobility: UK Expansion Worker"
    SCALE_UP = "scale_up", "Scale-up"
    MINISTER_OF_RELIGION = "minister_of_religion", "Minister of Religion"
    INTERNATIONAL_SPORTSPERSON = "international_sportsperson", "International Sportsperson"
    CHARITY_WORKER = "charity_worker", "Temporary Worker: Charity Worker"
    CREATIVE_WORKER = "creative_worker", "Temporary Worker: Creative Worker"
    GOVERNMENT_AUTHORISED_EXCHANGE = (
        "government_authorised_exchange",
        "Temporary Worker: Government Authorised Exchange",
    )
    INTERNATIONAL_AGREEMENT = "international_agreement", "Temporary Worker: International Agreement"
    RELIGIOUS_WORKER = "religious_worker", "Temporary Worker: Religious Worker"
    SEASONAL_WORKER = "seasonal_worker", "Temporary Worker: Seasonal Worker"
    STUDENT = "student", "Student"
    CHILD_STUDENT = "child_student", "Child Student"


class RouteCategory(models.TextChoices):
    WORKER = "worker", "Worker"
    TEMPORARY_WORKER = "temporary_worker", "Temporary Worker"
    STUDENT = "student", "Student"


# GOV.UK "UK visa sponsorship for employers: types of licence": the Global Business Mobility routes
# other than Senior or Specialist Worker, and Scale-up, are Temporary Worker routes (GBP 55 CoS,
# Temporary Worker allocation).
TEMPORARY_WORKER_ROUTES = frozenset(
    {
        Route.GBM_GRADUATE_TRAINEE,
        Route.GBM_SECONDMENT,
        Route.GBM_SERVICE_SUPPLIER,
        Route.GBM_UK_EXPANSION,
        Route.SCALE_UP,
        Route.CHARITY_WORKER,
        Route.CREATIVE_WORKER,
        Route.GOVERNMENT_AUTHORISED_EXCHANGE,
        Route.INTERNATIONAL_AGREEMENT,
        Route.RELIGIOUS_WORKER,
        Route.SEASONAL_WORKER,
    }
)
STUDENT_ROUTES = frozenset({Route.STUDENT, Route.CHILD_STUDENT})
ROUTE_CATEGORY: dict[str, str] = {
    route: RouteCategory.TEMPORARY_WORKER
    if route in TEMPORARY_WORKER_ROUTES
    else RouteCategory.STUDENT
    if route in STUDENT_ROUTES
    else RouteCategory.WORKER
    for route in Route.values
}


class Rating(models.TextChoices):
    """A route's rating. Provisional applies to UK Expansion Worker licences (domain.md section 2)."""

    A = "a", "A-rating"
    B = "b", "B-rating"
    PROVISIONAL = "provisional", "Provisional"


class Licence(TimeStampedModel):
    """A sponsor's licence: its number, status and dates. Routes and ratings are LicenceRoute rows."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"
        SURRENDERED = "surrendered", "Surrendered"
        EXPIRED = "expired", "Expired"

    # The only status changes there are; licence services check every move against this table.
    TRANSITIONS: dict[str, set[str]] = {
        Status.APPLIED: {Status.ACTIVE},
        Status.ACTIVE: {Status.SUSPENDED, Status.REVOKED, Status.SURRENDERED, Status.EXPIRED},
        Status.SUSPENDED: {Status.ACTIVE, Status.REVOKED, Status.SURRENDERED, Status.EXPIRED},
        Status.REVOKED: set(),
        Status.SURRENDERED: set(),
        Status.EXPIRED: set(),
    }
    # Sponsor users cannot sign in once the licence has ended (seed 000); the data stays.
    ENDED = frozenset({Status.REVOKED, Status.SURRENDERED, Status.EXPIRED})

    sponsor = models.OneToOneField(Sponsor, on_delete=models.PROTECT, related_name="licence")
    number = models.CharField(max_length=LICENCE_NUMBER_LENGTH, unique=True, default=licence_number)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    start_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    # The day the last renewal was granted: allocation years run 12 months from it (domain.md section 4).
    renewal_granted_on = models.DateField(null=True, blank=True)
    # Converted from a Tier 2 or Tier 5 licence on 1 December 2020: allocation years run 6 April to 5 April.
    converted_from_tier2 = models.BooleanField(
        "converted from Tier 2 on 1 December 2020",
        default=False,
        help_text="Allocation years run from 6 April to 5 April for licences converted on 1 December 2020",
    )
    status_changed_on = models.DateField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    # A suspended sponsor has 20 working days to respond (domain.md section 6).
    suspension_response_due = models.DateField(null=True, blank=True)
    # Whose bank holidays count when working days are counted for this sponsor's deadlines.
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND_AND_WALES)

    class Meta:
        indexes = [models.Index(fields=["status", "expiry_date"])]

    def __str__(self) -> str:
        return self.number

    @property
    def has_ended(self) -> bool:
        return self.status in self.ENDED

    @property
    def allocation_granted_on(self):
        """The grant that allocation years count from: the last renewal's, else the licence's own."""
        return self.renewal_granted_on or self.start_date


class LicenceRoute(TimeStampedModel):
    """A route held on a licence, with its own rating. Removing a route keeps the row, dated."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="routes")
    route = models.CharField(max_length=40, choices=Route.choices)
    rating = models.CharField(max_length=20, choices=Rating.choices, default=Rating.A)
    granted_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["route"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "route"], condition=Q(removed_on__isnull=True), name="one_current_route_per_licence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()} ({self.get_rating_display()})"

    @property
    def category(self) -> str:
        return ROUTE_CATEGORY[self.route]


class KeyPersonRole(models.TextChoices):
    AUTHORISING_OFFICER = "authorising_officer", "Authorising Officer"
    KEY_CONTACT = "key_contact", "Key Contact"


class KeyPerson(TimeStampedModel):
    """An Authorising Officer or Key Contact named on the licence, from start to end date.

    Exactly one current person per role (a unique constraint on the rows with no end date);
    replacing one ends the old row and starts a new one in one transaction. AO and KC sign in
    only if they are also Level 1 or Level 2 users (``user``). Representatives may be KC, never AO.
    """

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="key_personnel")
    role = models.CharField(max_length=30, choices=KeyPersonRole.choices)
    given_name = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    is_representative = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="key_roles"
    )
    # Suitability declarations (domain.md section 1): UK based, no unspent relevant convictions,
    # not an undischarged bankrupt.
    declared_uk_based = models.BooleanField(default=False)
    declared_no_unspent_convictions = models.BooleanField(default=False)
    declared_not_bankrupt = models.BooleanField(default=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "role"], condition=Q(end_date__isnull=True), name="one_current_key_person_per_role"
            ),
            models.CheckConstraint(
                name="authorising_officer_is_not_a_representative",
                condition=~Q(role="authorising_officer", is_representative=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.get_role_display()}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class WorkSite(TimeStampedModel):
    """An address where sponsored workers work. Adding or closing one is a reportable change."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="work_sites")
    address = models.TextField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["opened_on", "id"]

    def __str__(self) -> str:
        return self.address.splitlines()[0] if self.address else "Work site"


class ReportableChange(TimeStampedModel):
    """A change about the organisation that the sponsor must report, with the date it took effect.

    The event codes are those of domain.md section 5; the deadline engine derives each change's
    reporting deadline from ``event`` and ``effective_date``.
    """

    class Event(models.TextChoices):
        KEY_PERSONNEL_CHANGE = "org_key_personnel_change", "Key personnel changed"
        ADDRESS_CHANGE = "org_address_change", "Address or work site changed"
        NAME_CHANGE = "org_name_change", "Organisation name changed"
        OWNERSHIP_CHANGE = "org_ownership_change", "Ownership or control changed"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="reportable_changes")
    event = models.CharField(max_length=40, choices=Event.choices)
    effective_date = models.DateField()
    summary = models.CharField(max_length=255)
    details = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-effective_date", "-id"]
        indexes = [models.Index(fields=["sponsor", "-effective_date"])]

    def __str__(self) -> str:
        return f"{self.get_event_display()} on {self.effective_date:%d %B %Y}"


class LicenceApplication(TimeStampedModel):
    """An application for a sponsor licence, made through the public journey (seed 000).

    The applicant's answers are kept as they gave them (``answers``), so a draft survives and the
    caseworker sees exactly what was declared. A grant turns them into a sponsor, licence, key
    personnel and the first Level 1 user.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Not yet submitted"
        AWAITING_PAYMENT = "awaiting_payment", "Waiting for payment"
        SUBMITTED = "submitted", "Submitted"
        MORE_INFORMATION_REQUESTED = "more_information_requested", "More information requested"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    TRANSITIONS: dict[str, set[str]] = {
        # Declared and submitted, the fee fixed; it reaches the Home Office once the fee is paid.
        Status.DRAFT: {Status.AWAITING_PAYMENT},
        Status.AWAITING_PAYMENT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.MORE_INFORMATION_REQUESTED, Status.GRANTED, Status.REFUSED},
        Status.MORE_INFORMATION_REQUESTED: {Status.SUBMITTED, Status.REFUSED},
        Status.GRANTED: set(),
        Status.REFUSED: set(),
    }

    reference = models.CharField(max_length=10, unique=True, default=application_reference)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    # When the fee was paid and the application reached the Home Office (domain.md section 2).
    submitted_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=11, blank=True)
    information_requested = models.TextField(blank=True)
    # Hash of the token in the link that lets the applicant add documents when asked.
    applicant_token_hash = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    refusal_reasons = models.TextField(blank=True)
    # The first allocation granted with the licence: certificate category -> number.
    first_allocation = models.JSONField(default=dict, blank=True)
    sponsor = models.OneToOneField(Sponsor, on_delete=models.PROTECT, null=True, blank=True, related_name="application")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Application {self.reference}"

    @property
    def organisation_name(self) -> str:
        return self.answers.get("organisation", {}).get("name", "")


class ApplicationDocument(UploadedDocument):
    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="documents")


class SponsorRequest(TimeStampedModel):
    """Something a sponsor asks the Home Office to decide: a renewal, a variation, an additional L1.

    One lifecycle for all three kinds (submitted, then granted, refused or withdrawn); what a grant
    does depends on the kind and is applied by its service.
    """

    class Kind(models.TextChoices):
        RENEWAL = "renewal", "Licence renewal"
        ADD_ROUTE = "add_route", "Add a route"
        REMOVE_ROUTE = "remove_route", "Remove a route"
        SURRENDER = "surrender", "Surrender the licence"
        CHANGE_OF_OWNERSHIP = "change_of_ownership", "Change of ownership"
        LINKED_ENTITIES = "linked_entities", "Add or remove linked entities or branches"
        ADDITIONAL_LEVEL_1 = "additional_level_1", "Additional Level 1 user"

    VARIATION_KINDS = frozenset(
        {Kind.ADD_ROUTE, Kind.REMOVE_ROUTE, Kind.SURRENDER, Kind.CHANGE_OF_OWNERSHIP, Kind.LINKED_ENTITIES}
    )

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", "Waiting for payment"
        SUBMITTED = "submitted", "Awaiting decision"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS: dict[str, set[str]] = {
        # A renewal waits for its fee before it reaches the Home Office; the sponsor may withdraw it.
        Status.AWAITING_PAYMENT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.GRANTED, Status.REFUSED, Status.WITHDRAWN},
        Status.GRANTED: set(),
        Status.REFUSED: set(),
        Status.WITHDRAWN: set(),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reference = models.CharField(max_length=10, unique=True, default=request_reference)
    route = models.CharField(max_length=40, choices=Route.choices, blank=True)
    details = models.TextField(blank=True)
    # For an additional Level 1 user: who, as they were proposed.
    proposed_person = models.JSONField(default=dict, blank=True)
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    # A fee-paying request (a renewal) reaches the Home Office when the fee is paid.
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=11, blank=True)
    declaration_confirmed = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sponsor", "status"]),
            models.Index(fields=["status", "kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class RequestDocument(UploadedDocument):
    request = models.ForeignKey(SponsorRequest, on_delete=models.CASCADE, related_name="documents")


class AccessReview(models.Model):
    """A Level 1 user's quarterly review of who has access, with what they found."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="access_reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    users_reviewed = models.PositiveIntegerField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"Access review of {self.reviewed_at:%d %B %Y}"
