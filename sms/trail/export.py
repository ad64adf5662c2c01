"""The audit trail as CSV, fast and never silently cut short (issue 14).

Rows are read as plain column values through a server-side cursor (``values_list().iterator()``):
no model object, no per-row lookup of the verb's label. The file ends with a marker row saying how
many events it holds, so a file cut short (a worker killed, a connection dropped) shows it: it has
no marker. An export larger than ``BACKGROUND_THRESHOLD`` events is produced by the task worker
into a file (``AuditExport``), with its progress on a page and a download link when it is ready.
"""

import logging
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

from sms.audit.models import VERB_LABELS
from sms.core.csv_export import csv_rows
from sms.trail.details import details_json

logger = logging.getLogger(__name__)

HEADER = ["Time", "User", "User ID", "Event", "About", "Details", "IP address", "Sponsor"]
# Streamed straight back up to this many events; more goes to the background worker.
BACKGROUND_THRESHOLD = 20_000
CHUNK_SIZE = 5_000
COMPLETE_MARKER = "End of export"
FAILED_MARKER = "Export failed: this file is incomplete"

_COLUMNS = (
    "occurred_at",
    "actor_label",
    "actor__user_id",
    "verb",
    "target_label",
    "payload_json",
    "ip_address",
    "sponsor__name",
)


def is_large(events: QuerySet) -> bool:
    """Whether `events` has more than the threshold: an index range of at most that many rows."""
    return events.order_by().values("id")[BACKGROUND_THRESHOLD : BACKGROUND_THRESHOLD + 1].exists()


def event_rows(events: QuerySet, counter: list[int] | None = None) -> Iterator[tuple]:
    """One CSV row per event, newest first, from the columns alone."""
    zone = timezone.get_current_timezone()
    labels = VERB_LABELS
    rows = events.order_by("-occurred_at", "-id").values_list(*_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    for n, (occurred_at, actor_label, user_id, verb, target_label, payload_json, ip, sponsor_name) in enumerate(
        rows, start=1
    ):
        yield (
            occurred_at.astimezone(zone).isoformat(timespec="seconds"),
            actor_label,
            user_id or "",
            labels.get(verb, verb),
            target_label,
            details_json(verb, payload_json),
            ip or "",
            sponsor_name or "Home Office",
        )
        if counter is not None:
            counter[0] = n


def with_end_marker(rows: Iterable[tuple]) -> Iterator[tuple]:
    """The rows, then a row saying they are all there; or, if reading fails part way, a row saying
    the file is incomplete (a streamed response cannot change its status once it has begun)."""
    count = 0
    try:
        for row in rows:
            count += 1
            yield row
    except Exception:
        logger.exception("The audit export failed after %s rows", count)
        yield (FAILED_MARKER,)
        return
    yield (COMPLETE_MARKER, f"{count} event{'s' if count != 1 else ''}")


def csv_lines(events: QuerySet) -> Iterator[str]:
    """The whole export as CSV lines, header first, marker last."""
    return csv_rows(HEADER, with_end_marker(event_rows(events)))


def csv_rows_strict(events: QuerySet, counter: list[int]) -> Iterator[str]:
    """The export as CSV lines for a file: a failure raises (the file is then discarded), and a
    complete file still ends with the marker row."""
    rows = event_rows(events, counter)

    def with_marker():
        yield from rows
        yield (COMPLETE_MARKER, f"{counter[0]} event{'s' if counter[0] != 1 else ''}")

    return csv_rows(HEADER, with_marker())
