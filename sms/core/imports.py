"""What every bulk import reports: each problem with its row (or line) and column, and a refusal
that creates nothing. ``csv_rows`` reads a CSV upload for any import, refusing a file it cannot read
with one clear error instead of failing."""

import csv
import gc
import io
import itertools
from contextlib import contextmanager
from dataclasses import dataclass

MEGABYTE = 1024 * 1024
NUL = "\x00"


@dataclass(frozen=True)
class FileError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = (
            f"Row {self.row}, column {self.column}"
            if self.row and self.column
            else f"Row {self.row}"
            if self.row
            else f"Column {self.column}"
            if self.column
            else "File"
        )
        return f"{where}: {self.message}"


class ImportRefused(Exception):
    """The file is not valid; ``errors`` lists every problem found. Nothing was created."""

    def __init__(self, errors: list[FileError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the file")


def refuse(message: str, row: int | None = None) -> ImportRefused:
    return ImportRefused([FileError(row, "", message)])


def read_upload(upload, max_bytes: int) -> bytes:
    """The uploaded file's bytes, refused when larger than ``max_bytes``."""
    if upload.size > max_bytes:
        raise refuse(f"The file must be smaller than {max_bytes // MEGABYTE}MB")
    return upload.read(max_bytes + 1)


def csv_rows(
    upload, *, columns: list[str], max_bytes: int, max_rows: int, noun: str, optional_last: int = 0
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV upload as (row number, {column: cell}); the header is row 1.

    The file must be UTF-8 (a byte order mark is allowed), hold no NUL character, be well-formed CSV
    with any line endings, and start with the template's ``columns`` (the last ``optional_last`` may
    be left out). Every row must have a cell for each column; blank lines are skipped. Anything else
    is refused with one error saying what is wrong and where.
    """
    raw = read_upload(upload, max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("The file must be a CSV file saved as UTF-8") from None
    if NUL in text:
        line = text.count("\n", 0, text.index(NUL)) + 1
        raise refuse(f"The file must not contain NUL characters (line {line}): save it again as CSV (UTF-8)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(itertools.islice(reader, max_rows + 2))  # the header, and one row too many
    except csv.Error as error:
        reason = str(error)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {csv.field_size_limit():,} characters"
        elif "unexpected end of data" in reason:
            reason = "a quoted cell is never closed"
        raise refuse(f"The file is not well-formed CSV at line {reader.line_num}: {reason}") from None
    if not any(any(cell.strip() for cell in record) for record in records):
        raise refuse(f"The file is empty: it must start with the template's column names, then one {noun} a row")
    if len(records) > max_rows + 1:
        raise refuse(f"A file can hold at most {max_rows:,} {noun}s")
    header = [name.strip() for name in records[0]]
    _check_header(header, columns, optional_last)
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise refuse(
                f"Row {number} has {len(record)} cells but the first row has {len(header)} columns: "
                "check for a missing or extra comma, or a quote that is not closed"
            )
        rows.append((number, dict(zip(header, record, strict=True))))
    if not rows:
        raise refuse(f"The file has no {noun}s in it: add one {noun} a row under the column names")
    return rows


def _check_header(header: list[str], columns: list[str], optional_last: int) -> None:
    if header == columns or (optional_last and header == columns[:-optional_last]):
        return
    problems = [FileError(None, "", "The first row must be the template's column names, in order")]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    missing = [name for name in columns[: len(columns) - optional_last] if name not in header]
    unknown = [name for name in header if name not in columns]
    problems += [FileError(None, name, "appears more than once in the first row") for name in duplicated]
    problems += [FileError(None, name, "is missing from the first row") for name in missing]
    problems += [FileError(None, name[:100], "is not a column of the template") for name in unknown]
    raise ImportRefused(problems)


@contextmanager
def collector_paused():
    """Python's cycle collector paused while a large file is imported: the rows, their drafts and
    audit entries live until the end and hold no cycles, yet each pass over the growing heap reads
    them all (about a tenth of the work at 10,000 rows). Whatever cycles appear meanwhile are
    collected when it resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
