"""The audit CSV export written by PostgreSQL (issue 14): ``COPY (SELECT ...) TO STDOUT``.

The Python export (``sms.trail.export.event_rows``) reads each row's columns, formats the time,
looks up the verb's label, turns the payload into its details, neutralises formulas and writes the
CSV line, all in Python: about 40 µs of CPU a row. Here the database formats the time, looks up the label,
neutralises and quotes the cells and streams the CSV, one buffer a row; Python only fills in the
details, through ``details_json`` itself, once for each different payload (a payload written
many times, "a certificate assigned on the Skilled Worker route", is rendered once).

Every line is byte for byte what the Python export writes (``sms/trail/tests/test_export_postgres.py``
compares the two on the same rows):

- Time in the current time zone as ``isoformat(timespec="seconds")``: the statement runs with the
  session's time zone set to the current one, and ``to_char``'s ``TZH:TZM`` is Python's offset
  wherever it is whole minutes (every zone since 1973; before, a zone may have had seconds).
- The verb's label from ``VERB_LABELS`` (an unknown verb as itself); "Home Office" for a row with
  no sponsor; an empty cell as NULL, which COPY leaves unquoted as ``csv.writer`` does (COPY quotes
  an empty string); a cell a spreadsheet would run as a formula with a leading quote (``neutralise``).
- COPY quotes a CSV field exactly when ``csv.writer`` does (it holds a comma, a quote, CR or LF;
  quotes doubled). It ends a row with LF; Python ends it with CRLF, as ``csv.writer`` does.
- The details cell holds ``\\x01 <length of the verb>:<verb><payload> \\x01``, which Python replaces
  with ``neutralise(details_json(verb, payload))``, quoted as ``csv.writer`` quotes it. A row with a
  \\x01 of its own in any cell (it could be taken for the marker) is marked with a leading \\x02 and
  read whole with ``csv.reader`` instead: correct, only slower.
"""

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sms.audit.models import VERB_LABELS
from sms.core.csv_export import FORMULA_TRIGGERS, csv_cell, csv_line
from sms.trail.details import details_json

# The details cell's marker, and the mark of a row Python reads whole.
MARK = 1
WHOLE = 2
# Different payloads whose details are kept, at most (then the cache starts again).
CACHE_SIZE = 50_000
_COLUMNS = {
    "id": "id",
    "occurred_at": "occurred_at",
    "actor_label": "actor_label",
    "actor__user_id": "user_id",
    "verb": "verb",
    "target_label": "target_label",
    "payload_json": "payload_json",
    "ip_address": "ip_address",
    "sponsor__name": "sponsor_name",
}
_QUOTE = ord('"')


def available(events: QuerySet) -> bool:
    """Whether this export can be written by the database: PostgreSQL, in a named time zone."""
    return connection.vendor == "postgresql" and events.db == DEFAULT_DB_ALIAS and _zone_name() is not None


def _zone_name() -> str | None:
    return getattr(timezone.get_current_timezone(), "key", None)


def _neutralised(text: str) -> str:
    """``neutralise``: a leading quote before a cell a spreadsheet would run as a formula."""
    triggers = ", ".join(str(ord(character)) for character in FORMULA_TRIGGERS)
    return f"CASE WHEN ascii({text}) IN ({triggers}) THEN '''' || {text} ELSE {text} END"


def copy_statement(events: QuerySet) -> tuple[str, list]:
    """``COPY (SELECT ...) TO STDOUT`` of `events` (whatever their filter), newest first, and its
    parameters. Run it with the session's time zone set to the current one (``copy_lines``)."""
    inner, params = events.order_by().values_list(*_COLUMNS).query.sql_with_params()
    # Since 1973 every zone's offset is whole minutes, which TZH:TZM gives; before then (London was
    # 1 minute 15 seconds behind until 1847) the offset is spelled out to the second, as Python does.
    offset = "extract(timezone FROM e.occurred_at)::int"
    exact = (
        f"CASE WHEN {offset} < 0 THEN '-' ELSE '+' END || lpad((abs({offset}) / 3600)::text, 2, '0') || ':' "
        f"|| lpad((mod(abs({offset}), 3600) / 60)::text, 2, '0') "
        f"|| CASE WHEN mod(abs({offset}), 60) = 0 THEN '' ELSE ':' || lpad(mod(abs({offset}), 60)::text, 2, '0') END"
    )
    time = (
        "CASE WHEN e.occurred_at >= '1973-01-01T00:00:00Z' "
        """THEN to_char(e.occurred_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM') """
        f"""ELSE to_char(e.occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS') || {exact} END"""
    )
    user_id = "COALESCE(e.user_id, '')"
    label = "COALESCE(t.verbs ->> e.verb, e.verb)"
    sponsor = "COALESCE(NULLIF(e.sponsor_name, ''), 'Home Office')"
    # A \x01 in a cell before or after the marker: the row is read whole (csv.reader) in Python. (A
    # payload cannot hold one: JSON writes it \u0001, and raw it makes the JSON unreadable, which
    # fails the export as it fails Python's.)
    own_mark = " OR ".join(
        f"strpos({column}, chr({MARK})) > 0"
        for column in ("e.actor_label", "e.user_id", "e.verb", "e.target_label", "e.sponsor_name")
    )
    cells = (
        f"CASE WHEN {own_mark} THEN chr({WHOLE}) ELSE '' END || {time}",
        f"NULLIF({_neutralised('e.actor_label')}, '')",
        f"NULLIF({_neutralised(user_id)}, '')",
        f"NULLIF({_neutralised(label)}, '')",
        f"NULLIF({_neutralised('e.target_label')}, '')",
        # Nothing to say about an empty payload (details_json's "" then); else the marker.
        "CASE WHEN e.payload_json IN ('', '{}') THEN NULL "
        f"ELSE chr({MARK}) || char_length(e.verb) || ':' || e.verb || e.payload_json || chr({MARK}) END",
        "host(e.ip_address)",  # a digit, a hex letter or ":" first: never a formula
        _neutralised(sponsor),
    )
    sql = (
        f"COPY (SELECT {', '.join(cells)} "  # noqa: S608 - the filter's SQL is Django's, with parameters
        f"FROM ({inner}) AS e({', '.join(_COLUMNS.values())}) "
        "CROSS JOIN (SELECT %s::jsonb AS verbs) AS t "
        "ORDER BY e.occurred_at DESC, e.id DESC) TO STDOUT WITH (FORMAT csv)"
    )
    return sql, [*params, json.dumps(VERB_LABELS, ensure_ascii=False)]


def _marked(content: str) -> tuple[str, str]:
    """The verb and the payload from the marker's content ("<length>:<verb><payload>")."""
    length, rest = content.split(":", 1)
    return rest[: int(length)], rest[int(length) :]


def _details(content: str) -> str:
    return details_json(*_marked(content))


def _whole_row(line: bytes) -> bytes:
    """A row with a \\x01 of its own: read with csv.reader, its details filled in, written again."""
    cells = next(csv.reader([line.decode()]))
    if cells[5]:
        cells[5] = _details(cells[5][1:-1])
    return csv_line(cells).encode()  # neutralise leaves a neutralised cell as it is


def _line(line: bytes, cache: dict[bytes, bytes]) -> bytes:
    """The CSV line Python writes for one row from COPY: CRLF-ended, its details filled in."""
    start = line.find(MARK)
    if start < 0:  # no details
        return line[:-1] + b"\r\n"
    if line[0] == WHOLE:
        return _whole_row(line[1:])
    end = line.index(MARK, start + 1)
    quoted = line[start - 1] == _QUOTE  # else the comma before the cell
    key = line[start:end]
    cell = cache.get(key)
    if cell is None:
        content = line[start + 1 : end]
        if quoted:
            content = content.replace(b'""', b'"')
        cell = csv_cell(_details(content.decode())).encode()
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = cell
    if quoted:
        return line[: start - 1] + cell + line[end + 2 : -1] + b"\r\n"
    return line[:start] + cell + line[end + 1 : -1] + b"\r\n"


def copy_lines(events: QuerySet) -> Iterator[bytes]:
    """One CSV line (CRLF-ended bytes) per event, newest first, written by the database.

    In a transaction of its own (a savepoint inside another) whose time zone is the current one,
    without JIT compilation (the statement's estimated cost starts it, and it takes longer than it
    saves)."""
    try:
        sql, params = copy_statement(events)
    except EmptyResultSet:  # a filter nothing can match (``none()``, ``id__in=[]``): no rows
        return
    cache: dict[bytes, bytes] = {}  # the details cell of each payload seen, by its marker
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        _session(cursor, {"TimeZone": _zone_name(), "jit": "off"}),
        cursor.cursor.copy(sql, params) as copy,
    ):
        for data in copy:
            yield _line(bytes(data), cache)


@contextmanager
def _session(cursor, settings: dict[str, str]):
    """``settings`` for this transaction only, then as they were (a failure rolls them back)."""
    names = list(settings)
    cursor.execute(f"SELECT {', '.join(['current_setting(%s)'] * len(names))}", names)
    before = cursor.fetchone()

    def apply(values):
        pairs = [part for name, value in zip(names, values, strict=True) for part in (name, value)]
        cursor.execute(f"SELECT {', '.join(['set_config(%s, %s, true)'] * len(names))}", pairs)

    apply(list(settings.values()))
    yield
    apply(before)
