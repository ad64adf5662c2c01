"""What every bulk import reports: each problem with its row (or line) and column, and a refusal
that creates nothing."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = (
            f"Row {self.row}, column {self.column}" if self.row else f"Column {self.column}" if self.column else "File"
        )
        return f"{where}: {self.message}"


class ImportRefused(Exception):
    """The file is not valid; ``errors`` lists every problem found. Nothing was created."""

    def __init__(self, errors: list[FileError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the file")
