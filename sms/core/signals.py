"""Signals lower layers send so that higher ones can react in the same transaction."""

from django.dispatch import Signal

# A lifecycle row (or, from a set-based sweep, many rows) changed status through the transition table.
# sender: the model; pks: the rows' primary keys; previous: the status they left; status: the new one;
# sponsor_ids: the rows' sponsors where the sender knows them without a query (else None).
status_changed = Signal()
