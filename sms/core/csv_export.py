"""CSV exports that are safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP: CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> str:
    """Text for one cell; a value that a spreadsheet would run as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield CSV lines, header first, every cell neutralised; for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


_LINE_WRITER = csv.writer(_Echo())


def csv_line(row: Iterable[object]) -> str:
    """One CSV line (CRLF-ended), every cell neutralised: what ``csv_rows`` writes for a row."""
    return _LINE_WRITER.writerow([neutralise(cell) for cell in row])


def csv_cell(value: object) -> str:
    """One cell, neutralised, as ``csv_line`` writes it between others (quoted when it must be)."""
    return _LINE_WRITER.writerow((neutralise(value), ""))[: -len(",\r\n")]
