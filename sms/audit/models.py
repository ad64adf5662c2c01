"""The append-only audit trail.

Each row carries a keyed hash (HMAC-SHA256, sms.audit.chain) over its own content and the previous
row's hash in the same chain: one chain per sponsor, and one for Home Office events (rows with no
sponsor). Each chain's signed head records its length and last row, so removing rows from the end
shows; signed checkpoints of every head (written by ``verify_audit``) show a chain removed whole.
On PostgreSQL, triggers refuse UPDATE, DELETE and TRUNCATE (migrations 0002 and 0003); on every
database the model and its querysets refuse them.
"""

import json

from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Queryset paths that would change stored rows raise instead."""

    def update(self, **kwargs):
        raise RuntimeError("The audit trail is append-only")

    def delete(self):
        raise RuntimeError("The audit trail is append-only")

    def bulk_update(self, *args, **kwargs):
        raise RuntimeError("The audit trail is append-only")

    def update_or_create(self, *args, **kwargs):
        raise RuntimeError("The audit trail is append-only")

    def _raw_delete(self, using):
        raise RuntimeError("The audit trail is append-only")


class Verb(models.TextChoices):
    """What happened, in the past tense. Add new verbs here; never rename a stored value."""

    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    SIGNED_OUT_INACTIVE = "signed_out_inactive", "Signed out after inactivity"
    ACCOUNT_LOCKED = "account_locked", "Account locked"
    ACCOUNT_UNLOCKED = "account_unlocked", "Account unlocked"
    MFA_ENROLLED = "mfa_enrolled", "Multi-factor authentication set up"
    MFA_VERIFIED = "mfa_verified", "Security code accepted"
    MFA_FAILED = "mfa_failed", "Security code refused"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "Recovery codes replaced"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset"
    ACCOUNT_ACTIVATED = "account_activated", "Account activated"
    USER_CREATED = "user_created", "User created"
    ACTIVATION_LINK_SENT = "activation_link_sent", "Activation link sent"
    AUDIT_EXPORTED = "audit_exported", "Audit trail exported"
    USER_DETAILS_CHANGED = "user_details_changed", "User details changed"
    USER_DEACTIVATED = "user_deactivated", "User deactivated"
    USER_REACTIVATED = "user_reactivated", "User reactivated"
    USER_NOT_ADDED_ADDRESS_IN_USE = "user_not_added_address_in_use", "User not added: the address has an account"
    ACCESS_REVIEW_COMPLETED = "access_review_completed", "Access review completed"
    SIGN_IN_REFUSED = "sign_in_refused", "Sign-in refused"
    APPLICATION_STARTED = "application_started", "Licence application started"
    APPLICATION_ANSWERS_SAVED = "application_answers_saved", "Licence application answers saved"
    APPLICATION_DOCUMENT_ADDED = "application_document_added", "Supporting document added to an application"
    APPLICATION_SUBMITTED = "application_submitted", "Licence application submitted"
    APPLICATION_INFORMATION_REQUESTED = "application_information_requested", "More information requested"
    APPLICATION_INFORMATION_PROVIDED = "application_information_provided", "More information provided"
    APPLICATION_GRANTED = "application_granted", "Licence application granted"
    APPLICATION_REFUSED = "application_refused", "Licence application refused"
    LICENCE_ISSUED = "licence_issued", "Licence issued"
    LICENCE_SUSPENDED = "licence_suspended", "Licence suspended"
    LICENCE_REINSTATED = "licence_reinstated", "Licence reinstated"
    LICENCE_REVOKED = "licence_revoked", "Licence revoked"
    LICENCE_SURRENDERED = "licence_surrendered", "Licence surrendered"
    LICENCE_EXPIRED = "licence_expired", "Licence expired"
    LICENCE_RENEWED = "licence_renewed", "Licence renewed"
    ROUTE_ADDED = "route_added", "Route added"
    ROUTE_REMOVED = "route_removed", "Route removed"
    ROUTE_RATED = "route_rated", "Route rating changed"
    KEY_PERSON_APPOINTED = "key_person_appointed", "Key personnel appointed"
    ORGANISATION_DETAILS_CHANGED = "organisation_details_changed", "Organisation details changed"
    WORK_SITE_ADDED = "work_site_added", "Work site added"
    WORK_SITE_CLOSED = "work_site_closed", "Work site closed"
    REQUEST_SUBMITTED = "request_submitted", "Request submitted"
    REQUEST_GRANTED = "request_granted", "Request granted"
    REQUEST_REFUSED = "request_refused", "Request refused"
    REQUEST_WITHDRAWN = "request_withdrawn", "Request withdrawn"
    DOCUMENT_DOWNLOADED = "document_downloaded", "Document downloaded"
    ALLOCATION_GRANTED = "allocation_granted", "Allocation granted"
    ALLOCATION_REQUESTED = "allocation_requested", "Allocation requested"
    ALLOCATION_REQUEST_DECIDED = "allocation_request_decided", "Allocation request decided"
    ALLOCATION_REQUEST_WITHDRAWN = "allocation_request_withdrawn", "Allocation request withdrawn"
    CERTIFICATE_DRAFTED = "certificate_drafted", "Certificate draft saved"
    CERTIFICATE_ASSIGNED = "certificate_assigned", "Certificate assigned"
    CERTIFICATE_WITHDRAWN = "certificate_withdrawn", "Certificate withdrawn"
    CERTIFICATE_NOTE_ADDED = "certificate_note_added", "Sponsor note added"
    CERTIFICATE_USED = "certificate_used", "Certificate used"
    CERTIFICATE_CANCELLED = "certificate_cancelled", "Certificate cancelled"
    CERTIFICATES_EXPIRED = "certificates_expired", "Certificates expired"
    DEFINED_COS_REQUESTED = "defined_cos_requested", "Defined CoS requested"
    DEFINED_COS_DECIDED = "defined_cos_decided", "Defined CoS request decided"
    CERTIFICATES_IMPORTED = "certificates_imported", "Certificates imported"
    CERTIFICATE_IMPORT_STARTED = "certificate_import_started", "Certificate file sent for import"
    CERTIFICATE_IMPORT_REFUSED = "certificate_import_refused", "Certificate file not imported: it has problems"
    CERTIFICATE_IMPORT_FAILED = "certificate_import_failed", "Certificate import could not be finished"
    PERSON_REGISTERED = "person_registered", "Added to the worker register"
    PERSON_UPDATED = "person_updated", "Worker details changed"
    FACT_RECORDED = "fact_recorded", "Fact recorded"
    ABSENCE_ENDED = "absence_ended", "Last day of an absence recorded"
    OBLIGATION_OPENED = "obligation_opened", "Reporting obligation opened"
    OBLIGATION_REPORTED = "obligation_reported", "Reported to the Home Office"
    OBLIGATION_CANCELLED = "obligation_cancelled", "Reporting obligation cancelled"
    OBLIGATIONS_SWEPT = "obligations_swept", "Daily sweep opened obligations"
    SETTINGS_CHANGED = "settings_changed", "Reporting settings changed"
    CLOSURE_DAY_ADDED = "closure_day_added", "Closure day added"
    CLOSURE_DAY_REMOVED = "closure_day_removed", "Closure day removed"
    FACTS_IMPORTED = "facts_imported", "Facts imported"
    COMPLIANCE_VISIT_PLANNED = "compliance_visit_planned", "Compliance visit planned"
    COMPLIANCE_VISIT_RECORDED = "compliance_visit_recorded", "Compliance visit recorded"
    ACTIVATION_LINK_RESENT_BY_HELPDESK = "activation_link_resent_by_helpdesk", "Activation link resent by the helpdesk"
    FEE_RATE_ADDED = "fee_rate_added", "Fee added"
    SALARY_THRESHOLD_ADDED = "salary_threshold_added", "Salary threshold added"
    OCCUPATIONS_LOADED = "occupations_loaded", "Occupations and going rates loaded"
    STAFF_ROLE_CHANGED = "staff_role_changed", "Staff role changed"
    CASE_ASSIGNED = "case_assigned", "Case assigned"
    CASE_REASSIGNED = "case_reassigned", "Case reassigned"
    CASE_NOTE_ADDED = "case_note_added", "Internal note added to a case"
    MESSAGE_POSTED = "message_posted", "Message posted on the message board"
    MESSAGE_READ = "message_read", "Message read"
    MESSAGE_EDITED = "message_edited", "Message on the message board changed"
    MESSAGE_WITHDRAWN = "message_withdrawn", "Message withdrawn from the message board"
    NOTICE_READ = "notice_read", "Notice read"
    PAYMENT_STARTED = "payment_started", "Payment started"
    PAYMENT_CONFIRMED = "payment_confirmed", "Payment received"
    PAYMENT_NOT_COMPLETED = "payment_not_completed", "Payment not completed"
    ACTION_PLAN_CREATED = "action_plan_created", "Action plan set"
    ACTION_PLAN_PAID = "action_plan_paid", "Action plan fee paid"
    APPLICATION_FEE_PAID = "application_fee_paid", "Licence application fee paid"
    REQUEST_FEE_PAID = "request_fee_paid", "Renewal fee paid"
    ALLOCATION_PRIORITY_FEE_PAID = "allocation_priority_fee_paid", "Priority service fee paid"
    ALLOCATION_PRIORITY_DROPPED = "allocation_priority_dropped", "Priority service not taken"
    ACTION_PLAN_PROGRESS = "action_plan_progress", "Action plan progress recorded"
    ACTION_PLAN_DECIDED = "action_plan_decided", "Action plan reviewed"
    REPRESENTATIONS_SUBMITTED = "representations_submitted", "Representations against a suspension made"
    REPRESENTATIONS_DECIDED = "representations_decided", "Representations decided"
    AUDIT_PACK_REQUESTED = "audit_pack_requested", "Audit pack requested"
    AUDIT_PACK_READY = "audit_pack_ready", "Audit pack produced"
    AUDIT_PACK_FAILED = "audit_pack_failed", "Audit pack could not be produced"
    AUDIT_PACK_DOWNLOADED = "audit_pack_downloaded", "Audit pack downloaded"
    RIGHT_TO_WORK_CHECKED = "right_to_work_checked", "Right-to-work check recorded"
    RIGHT_TO_WORK_FOLLOW_UP_MOVED = "right_to_work_follow_up_moved", "Right-to-work follow-up date moved"
    TRAINING_RECORDED = "training_recorded", "Training recorded"
    TRAINING_UPDATED = "training_updated", "Training record changed"
    MONTHLY_REVIEW_COMPLETED = "monthly_review_completed", "Monthly review completed"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint_created", "Webhook endpoint registered"
    WEBHOOK_SECRET_ROTATED = "webhook_secret_rotated", "Webhook signing secret rotated"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint_disabled", "Webhook endpoint disabled"
    WEBHOOK_ENDPOINT_ENABLED = "webhook_endpoint_enabled", "Webhook endpoint enabled"
    WEBHOOK_ENDPOINT_DELETED = "webhook_endpoint_deleted", "Webhook endpoint deleted"
    WEBHOOK_DELIVERY_REPLAYED = "webhook_delivery_replayed", "Webhook delivery sent again"
    ALERT_RECIPIENTS_CHANGED = "alert_recipients_changed", "Alert settings changed"
    ALERT_PREFERENCE_CHANGED = "alert_preference_changed", "How alerts are received changed"


VERB_LABELS = dict(Verb.choices)


class AuditEvent(models.Model):
    """One thing that happened: who did what to what, when and from where."""

    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept as text too, so the row reads the same whatever later happens to the account.
    actor_label = models.CharField(max_length=320, blank=True)
    # A Verb value. Not a database choice list: a new verb then needs no migration.
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    # The details as canonical JSON text (chain.canonical_payload): the hash covers exactly this text.
    payload_json = models.TextField(default="{}", blank=True)
    occurred_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    key_id = models.CharField(max_length=32, default="")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # The trail pages read newest first by (time, id) under each filter the pages offer, a page at
        # a time from where the last one ended (sms.core.keyset): each filter's columns, then that
        # order, so any page at any depth is a short index range. The date filters are ranges on the
        # time within any of them.
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="audit_recent"),
            models.Index(fields=["sponsor", "-occurred_at", "-id"], name="audit_sponsor_recent"),
            models.Index(fields=["sponsor", "actor", "-occurred_at", "-id"], name="audit_sponsor_actor"),
            models.Index(fields=["sponsor", "verb", "-occurred_at", "-id"], name="audit_sponsor_verb"),
            models.Index(fields=["actor", "-occurred_at", "-id"], name="audit_actor_recent"),
            models.Index(fields=["verb", "-occurred_at", "-id"], name="audit_verb_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_verb_display()}"

    def save(self, *args, **kwargs):
        # Append-only: the trigger enforces it on PostgreSQL; this catches it everywhere.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only")

    def get_verb_display(self) -> str:
        """The verb's label ("Certificate assigned"); a stored value no longer known reads as itself."""
        return VERB_LABELS.get(self.verb, self.verb)

    @property
    def payload(self) -> dict:
        """The event's details as a dictionary."""
        return json.loads(self.payload_json or "{}")


class AuditChainHead(models.Model):
    """Where each chain ends: its length and last row, signed with the audit key.

    Advanced in the same transaction as every row it counts (its row lock also serialises the
    chain's writers). A chain shorter than its head, or ending elsewhere, has lost rows.
    """

    chain = models.CharField(max_length=40, unique=True)
    length = models.BigIntegerField(default=0)
    head_id = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32, blank=True)
    signature = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.chain}: {self.length} rows"


class AuditCheckpoint(models.Model):
    """A signed record of every chain's head at one moment, chained to the checkpoint before it.

    ``verify_audit`` writes one after each successful check and prints it, so an operator can keep a
    copy outside the database: a whole chain removed after a checkpoint still shows.
    """

    created_at = models.DateTimeField()
    total_rows = models.BigIntegerField()
    # {chain: [length, head_id, head_hash]} as canonical JSON text, exactly what the signature covers.
    chains_json = models.TextField()
    previous_signature = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Checkpoint {self.pk}: {self.total_rows} rows"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Audit checkpoints are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit checkpoints are append-only")

    @property
    def chains(self) -> dict[str, list]:
        return json.loads(self.chains_json)
