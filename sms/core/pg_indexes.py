"""Indexes only PostgreSQL can build (expression indexes with an operator class, trigram indexes),
made by migrations through ``RunPython`` so the same migrations still run on SQLite.

Name searches compare ``UPPER(column) LIKE 'TERM%'`` (what ``istartswith`` writes): an index on
``UPPER(column)`` with ``text_pattern_ops`` serves that prefix under any collation, where a plain
index serves it only under the C collation. A contains-search (``icontains``) needs a trigram index.
"""


def create_indexes(statements: dict[str, str]):
    """A RunPython pair creating (forwards) and dropping (backwards) the named indexes on PostgreSQL."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, definition in statements.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in statements:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return forwards, backwards


def upper_prefix(table: str, column: str) -> str:
    """The definition of a per-sponsor index for ``UPPER(column) LIKE 'PREFIX%'``."""
    return f"{table} (sponsor_id, UPPER({column}::text) text_pattern_ops)"
