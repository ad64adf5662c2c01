"""Requesting and producing an audit pack (domain.md section 7: "an audit pack for a compliance visit")."""

import logging
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.auditpack.contents import pack_contents
from sms.auditpack.models import AuditPack
from sms.auditpack.render import render_pdf, render_zip
from sms.core.exceptions import DomainError
from sms.core.lifecycle import lock, transition

logger = logging.getLogger(__name__)

# A compliance visit looks back over the sponsor's records; a pack covers at most six years (how long
# sponsors must keep records of a sponsored worker: Appendix D), and at least one day.
LONGEST_PERIOD = timedelta(days=6 * 366)


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months up to today: what a visit usually asks about."""
    return today - relativedelta(years=1) + timedelta(days=1), today


def period_refusal(start: date, end: date, today: date) -> str:
    """Why a period cannot be used, or ""."""
    if end < start:
        return "The end of the period must be the same as or after its start"
    if end > today:
        return "The end of the period must be today or in the past"
    if end - start > LONGEST_PERIOD:
        return "The period can be at most 6 years"
    return ""


def audit_pack_request(*, sponsor, actor, period_start: date, period_end: date) -> AuditPack:
    """Ask for a pack of ``sponsor`` for the period; the background worker produces it."""
    require(actor, Action.PRODUCE_AUDIT_PACK, sponsor)
    refusal = period_refusal(period_start, period_end, timezone.localdate())
    if refusal:
        raise DomainError(refusal)
    with transaction.atomic():
        pack = AuditPack.objects.create(
            sponsor=sponsor, requested_by=actor, period_start=period_start, period_end=period_end
        )
        audit.record(
            actor=actor,
            verb=Verb.AUDIT_PACK_REQUESTED,
            target=pack,
            payload={"period_start": period_start.isoformat(), "period_end": period_end.isoformat()},
        )
        # Imported here: the task module imports this one.
        from sms.auditpack.tasks import produce_audit_pack

        pack_id = pack.pk
        transaction.on_commit(lambda: produce_audit_pack.enqueue(pack_id))
    return pack


def _progress(pack_id: int, percent: int, stage: str) -> None:
    """Record how far production has got, outside the producing work, so the page can show it."""
    AuditPack.objects.filter(pk=pack_id).update(progress=percent, stage=stage)


def audit_pack_produce(*, pack_id: int) -> AuditPack:
    """Build the PDF and the ZIP of CSV files for a queued pack (the background worker's job).

    A failure leaves the pack "could not be produced" with the reason, never half-made files shown as ready.
    """
    with transaction.atomic():
        pack = lock(AuditPack, pack_id)
        if pack.status != AuditPack.Status.QUEUED:
            return pack  # already taken by another worker, or finished
        transition(pack, AuditPack.Status.BUILDING)
    try:
        contents = pack_contents(
            pack.sponsor,
            period_start=pack.period_start,
            period_end=pack.period_end,
            progress=lambda percent, stage: _progress(pack.pk, percent, f"Collecting: {stage}"),
        )
        _progress(pack.pk, 80, "Writing the CSV files")
        archive = render_zip(contents)
        _progress(pack.pk, 85, "Writing the PDF")
        pdf = render_pdf(contents)
    except Exception as error:  # noqa: BLE001 - any failure must be shown, not leave the pack "being produced"
        logger.exception("Audit pack %s could not be produced", pack.uuid)
        with transaction.atomic():
            pack = lock(AuditPack, pack_id)
            pack.error = f"{type(error).__name__}: the pack could not be produced. Try again, or contact the helpdesk."
            pack.finished_at = timezone.now()
            transition(pack, AuditPack.Status.FAILED, extra_fields=("error", "finished_at"))
            audit.record(actor=None, verb=Verb.AUDIT_PACK_FAILED, target=pack, sponsor=pack.sponsor)
        return pack
    with transaction.atomic():
        pack = lock(AuditPack, pack_id)
        stem = f"audit-pack-{pack.period_start:%Y%m%d}-{pack.period_end:%Y%m%d}"
        pack.pdf_file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        pack.zip_file.save(f"{stem}.zip", ContentFile(archive), save=False)
        pack.progress, pack.stage, pack.finished_at = 100, "", timezone.now()
        transition(
            pack, AuditPack.Status.READY, extra_fields=("pdf_file", "zip_file", "progress", "stage", "finished_at")
        )
        audit.record(
            actor=None,
            verb=Verb.AUDIT_PACK_READY,
            target=pack,
            sponsor=pack.sponsor,
            payload={section.title: len(section.rows) for section in contents.sections},
        )
    return pack
