"""Users: sponsor users (Level 1 or Level 2) and Home Office staff (by role)."""

import re

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sms.core.emails import canonical_email
from sms.core.identifiers import code_with_check
from sms.core.models import TimeStampedModel


class SponsorSize(models.TextChoices):
    """Sets the fees (licence, Immigration Skills Charge)."""

    SMALL = "small", "Small or charitable"
    LARGE = "large", "Medium or large"


class Sponsor(TimeStampedModel):
    """An organisation that holds a sponsor licence: the tenant of the system.

    Everything a sponsor owns carries a foreign key to it, and no sponsor user may see another
    sponsor's data (domain.md section 1).
    """

    name = models.CharField(max_length=255)
    registered_number = models.CharField(max_length=50, blank=True)
    size = models.CharField(max_length=10, choices=SponsorSize.choices, default=SponsorSize.LARGE)
    registered_address = models.TextField(blank=True)
    trading_address = models.TextField(blank=True)
    # Shown on the public register of licensed sponsors (domain.md section 6).
    town = models.CharField("town or city", max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    # The sponsor's own target for reporting, ahead of the legal deadline (domain.md section 5).
    internal_target_working_days = models.PositiveSmallIntegerField(default=5)

    # Marks the tenant for code below accounts (the audit writer) that must not import this model.
    is_tenant = True

    class Meta:
        ordering = ["name"]
        # The Home Office sponsor list's order; its contains-search has a trigram index on PostgreSQL (migration 0004).
        indexes = [models.Index(fields=["name", "id"], name="sponsor_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.town and self.registered_address:
            self.town = town_from_address(self.registered_address)
        super().save(*args, **kwargs)


def town_from_address(address: str) -> str:
    """The town of a UK address written one part a line: the line before the postcode (or the last)."""
    lines = [line.strip().rstrip(",") for line in address.replace(",", "\n").splitlines() if line.strip()]
    if len(lines) >= 2 and UK_POSTCODE.fullmatch(lines[-1].upper()):
        lines = lines[:-1]
    return lines[-1][:100] if len(lines) >= 2 else ""


UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")


USER_ID_PREFIX = "U"
USER_ID_LENGTH = 9


def new_user_id() -> str:
    """A user ID like the one the real SMS gives every user: short, unique, with a check character."""
    return code_with_check(USER_ID_PREFIX, USER_ID_LENGTH)


class UserManager(BaseUserManager):
    """Creates users with the canonical email address and a fresh user ID."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """The canonical form (``sms.core.emails.canonical_email``), not just a lower-case domain."""
        return canonical_email(email or "")

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        """Create a user; without a password the account waits for its activation link."""
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        """`createsuperuser` makes a Home Office administrator."""
        fields.setdefault("kind", User.Kind.HOME_OFFICE)
        fields.setdefault("staff_role", User.StaffRole.ADMINISTRATOR)
        fields.setdefault("activated_at", timezone.now())
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        # An exact match on the canonical form: the lockout counts failures under the same key, so
        # no spelling of an address reaches an account without counting towards its lockout.
        return self.get(email=canonical_email(username))


class User(AbstractBaseUser):
    """A person who signs in: a sponsor user (of exactly one sponsor) or a Home Office staff member.

    Authorising Officers and Key Contacts sign in only if they are also Level 1 or Level 2 users
    (domain.md section 1), so key personnel live on the licence, not here.
    """

    class Kind(models.TextChoices):
        SPONSOR = "sponsor", "Sponsor user"
        HOME_OFFICE = "home_office", "Home Office staff"

    class Level(models.TextChoices):
        LEVEL_1 = "level_1", "Level 1 user"
        LEVEL_2 = "level_2", "Level 2 user"

    class StaffRole(models.TextChoices):
        CASEWORKER = "caseworker", "Caseworker"
        COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"
        HELPDESK = "helpdesk", "Helpdesk"
        ADMINISTRATOR = "administrator", "Administrator"

    email = models.EmailField("email address", unique=True)
    user_id = models.CharField("user ID", max_length=USER_ID_LENGTH, unique=True, default=new_user_id)
    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    staff_role = models.CharField(max_length=20, choices=StaffRole.choices, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Alerts always appear in the user's notification list; this says whether they are emailed too.
    alerts_by_email = models.BooleanField("email me alerts", default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["family_name", "given_name", "email"]
        constraints = [
            # A sponsor user belongs to exactly one sponsor with a level; staff have a role only.
            models.CheckConstraint(
                name="user_kind_shape",
                condition=(
                    Q(kind="sponsor", sponsor__isnull=False, staff_role="") & Q(level__in=["level_1", "level_2"])
                )
                | (
                    Q(kind="home_office", sponsor__isnull=True, level="")
                    & Q(
                        staff_role__in=[
                            "caseworker",
                            "compliance_officer",
                            "helpdesk",
                            "administrator",
                        ]
                    )
                ),
            ),
        ]
        indexes = [models.Index(fields=["sponsor", "level"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.user_id})" if self.full_name else self.email

    def save(self, *args, **kwargs):
        # Stored in the one form it is looked up and locked by, whoever saves it.
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_sponsor_user(self) -> bool:
        return self.kind == self.Kind.SPONSOR

    @property
    def is_home_office(self) -> bool:
        return self.kind == self.Kind.HOME_OFFICE

    @property
    def role_label(self) -> str:
        """What the person is, in the words the service uses."""
        if self.is_sponsor_user:
            return self.get_level_display()
        return self.get_staff_role_display()
