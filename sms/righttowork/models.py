"""Right-to-work checks of sponsored workers, their evidence, and training records of key personnel
and users (domain.md section 7; seeds 001 and 002)."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q

from sms.accounts.models import Sponsor
from sms.core.models import TimeStampedModel
from sms.core.uploads import UploadedDocument
from sms.licensing.models import KeyPerson
from sms.reporting.models import SponsoredPerson

# A Home Office share code for the right to work: 9 letters and numbers, starting with W (those for
# right to rent start with R, for other purposes with S). People write it in groups of three.
SHARE_CODE_LENGTH = 9
SHARE_CODE_PATTERN = re.compile(r"^W[A-Z0-9]{8}$")
SHARE_CODE_PUNCTUATION = re.compile(r"[\s\-]")
# The Employer Checking Service's Positive Verification Notice names its case by a reference.
ECS_REFERENCE_LENGTH = 30
ECS_REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9/\-]*$")


def share_code_normalise(value: str) -> str:
    """A share code as typed ("wab c12 d34", "WAB-C12-D34") in its stored form ("WABC12D34")."""
    return SHARE_CODE_PUNCTUATION.sub("", value or "").upper()


def share_code_display(value: str) -> str:
    """A stored share code in the groups of three people read it in: "WAB C12 D34"."""
    return " ".join(value[i : i + 3] for i in range(0, len(value), 3))


class RightToWorkCheck(TimeStampedModel):
    """One right-to-work check of a sponsored worker: how, by whom, with what evidence and result.

    ``follow_up_on`` is set by the service, never typed: for time-limited permission it is
    ``sms.core.watch.rtw_follow_up_date(person.permission_end)``, recomputed when the worker's
    permission end date changes. ``is_current`` marks the worker's latest check (by date checked):
    only its follow-up is still due, an older check's is answered by the newer one.
    """

    class Method(models.TextChoices):
        ONLINE = "online", "Online check with a share code"
        MANUAL = "manual", "Manual check of original documents"
        ECS = "ecs", "Employer Checking Service"

    class Result(models.TextChoices):
        CONTINUOUS = "continuous", "Continuous right to work (no follow-up check needed)"
        TIME_LIMITED = "time_limited", "Time-limited right to work (a follow-up check is needed)"
        NOT_CONFIRMED = "not_confirmed", "Right to work not confirmed"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(SponsoredPerson, on_delete=models.PROTECT, related_name="right_to_work_checks")
    checked_on = models.DateField("date of the check")
    method = models.CharField(max_length=10, choices=Method.choices)
    share_code = models.CharField(max_length=SHARE_CODE_LENGTH, blank=True)
    ecs_reference = models.CharField("Employer Checking Service reference", max_length=ECS_REFERENCE_LENGTH, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The person who actually made the check, when not the user answerable for it (a site manager).
    performed_by_name = models.CharField(max_length=150, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices)
    follow_up_on = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-checked_on", "-id"]
        indexes = [
            # The dashboard's and the daily sweep's questions: current follow-ups by date.
            models.Index(
                fields=["sponsor", "follow_up_on"], name="rtw_sponsor_follow_up", condition=Q(is_current=True)
            ),
            models.Index(fields=["follow_up_on"], name="rtw_follow_up", condition=Q(is_current=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(is_current=True), name="one_current_rtw_check"),
            models.CheckConstraint(
                name="rtw_follow_up_only_when_time_limited",
                condition=Q(result="time_limited") | Q(follow_up_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Right-to-work check on {self.checked_on.day} {self.checked_on:%B %Y}"

    @property
    def policy_subject(self):
        """Level 2's own rule is decided on the worker's certificate, as for reporting."""
        return self.person.certificate

    @property
    def share_code_display(self) -> str:
        return share_code_display(self.share_code)

    @property
    def checked_by_name(self) -> str:
        return self.checked_by.full_name or self.checked_by.email


class RightToWorkEvidence(UploadedDocument):
    """The evidence of a check: the online profile page, copies of documents, the ECS notice."""

    check_record = models.ForeignKey(RightToWorkCheck, on_delete=models.CASCADE, related_name="evidence")


class TrainingRecord(TimeStampedModel):
    """A course a user or a named key person of the sponsor took, and when it is next due (seed 002:
    "track completion, retrain yearly, and log attendance for audit readiness")."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    key_person = models.ForeignKey(KeyPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The trainee's name and role when recorded: a record stays readable after the person leaves.
    trainee_name = models.CharField(max_length=300)
    trainee_role = models.CharField(max_length=100)
    course = models.CharField(max_length=200)
    taken_on = models.DateField("date taken")
    next_due = models.DateField("next due")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["trainee_name", "-taken_on", "id"]
        indexes = [models.Index(fields=["sponsor", "next_due"], name="training_sponsor_due")]
        constraints = [
            models.CheckConstraint(
                name="training_names_one_trainee",
                condition=Q(user__isnull=False, key_person__isnull=True)
                | Q(user__isnull=True, key_person__isnull=False),
            ),
            models.CheckConstraint(
                name="training_next_due_after_taken",
                condition=Q(next_due__gt=models.F("taken_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.trainee_name}"
