"""The audit trail as CSV, fast and never silently cut short (issue 14).

On PostgreSQL the database writes the CSV itself (``COPY (SELECT ...) TO STDOUT``, see
``sms.trail.export_pg``); elsewhere rows are read as plain column values through a server-side
cursor (``values_list().iterator()``) and written here: the same bytes either way. The file ends
with a marker row saying how many events it holds, so a file cut short (a worker killed, a
connection dropped) shows it: it has no marker. An export larger than ``BACKGROUND_THRESHOLD``
events is produced by the task worker into a file (``AuditExport``), with its progress on a page
and a download link when it is ready.
"""

import logging
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

from sms.audit.models import VERB_LABELS
from sms.core.csv_export import csv_line
from sms.trail import export_pg
from sms.trail.details import details_json

logger = logging.getLogger(__name__)

HEADER = ["Time", "User", "User ID", "Event", "About", "Details", "IP address", "Sponsor"]
# Streamed straight back up to this many events; more goes to the background worker.
BACKGROUND_THRESHOLD = 20_000
CHUNK_SIZE = 5_000
# Lines go out (to the response, to the file) in chunks of about this many bytes.
CHUNK_BYTES = 64 * 1024
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


def event_rows(events: QuerySet) -> Iterator[tuple]:
    """One CSV row per event, newest first, from the columns alone."""
    zone = timezone.get_current_timezone()
    labels = VERB_LABELS
    rows = events.order_by("-occurred_at", "-id").values_list(*_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    for occurred_at, actor_label, user_id, verb, target_label, payload_json, ip, sponsor_name in rows:
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


def _line(row: Iterable[object]) -> bytes:
    return csv_line(row).encode()


def writes_in_database(events: QuerySet) -> bool:
    """Whether PostgreSQL writes this export (holding the connection while it does)."""
    return export_pg.available(events)


def event_lines(events: QuerySet) -> Iterator[bytes]:
    """One CSV line per event, newest first: written by PostgreSQL where it can be
    (``sms.trail.export_pg``, the same bytes), else from ``event_rows`` here."""
    if writes_in_database(events):
        return export_pg.copy_lines(events)
    return (_line(row) for row in event_rows(events))


def _chunks(lines: Iterable[bytes], counter: list[int]) -> Iterator[bytes]:
    """The lines in chunks of about ``CHUNK_BYTES`` (a write per line is slow), counting them; if
    reading fails, the lines read so far, then the error."""
    chunk: list[bytes] = []
    size = 0
    try:
        for line in lines:
            counter[0] += 1
            chunk.append(line)
            size += len(line)
            if size >= CHUNK_BYTES:
                yield b"".join(chunk)
                chunk, size = [], 0
    except Exception:
        yield b"".join(chunk)
        raise
    yield b"".join(chunk)


def _marker(count: int) -> bytes:
    return _line((COMPLETE_MARKER, f"{count} event{'s' if count != 1 else ''}"))


def csv_lines(events: QuerySet) -> Iterator[bytes]:
    """The whole export as CSV (bytes), header first, marker last, for a streamed response. If
    reading fails part way, the last row says the file is incomplete (a streamed response cannot
    change its status once it has begun)."""
    yield _line(HEADER)
    counter = [0]
    try:
        yield from _chunks(event_lines(events), counter)
    except Exception:
        logger.exception("The audit export failed after %s rows", counter[0])
        yield _line((FAILED_MARKER,))
        return
    yield _marker(counter[0])


def csv_rows_strict(events: QuerySet, counter: list[int]) -> Iterator[bytes]:
    """The export as CSV (bytes) for a file, ``counter[0]`` the events written so far: a failure
    raises (the file is then discarded), and a complete file still ends with the marker row."""
    yield _line(HEADER)
    yield from _chunks(event_lines(events), counter)
    yield _marker(counter[0])
