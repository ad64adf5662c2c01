"""Events reporting announces to the apps above it, which must not be imported from here."""

from django.dispatch import Signal

# Sent inside the transaction that changes a worker's permission (visa) dates (kwargs: ``person``,
# ``actor``). Right-to-work recomputes the follow-up date of the worker's current check.
permission_dates_changed = Signal()
