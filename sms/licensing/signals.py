"""Events licensing announces to the apps above it, which must not be imported from here."""

from django.dispatch import Signal

# Sent inside the transaction that records an organisation change the sponsor must report
# (kwargs: ``change``, ``actor``). Reporting opens the obligation with its deadline.
reportable_change_recorded = Signal()

# Sent inside the transaction that grants a renewal (kwargs: ``licence``, ``on``). A new allocation
# year starts on the day of the renewal grant, so certificates allocates from it.
licence_renewed = Signal()

# Sent inside the transaction that changes a licence's status by a decision: suspended, reinstated
# (the suspension lifted), revoked, surrendered (kwargs: ``licence``, ``previous``, ``to_status``,
# ``actor``, ``reason``). Compliance closes what the change ends: representations against a lifted
# or revoked suspension, and a revoked licence's open action plans. Every page and service that
# lifts or revokes goes through here, so none can leave them open.
licence_status_changed = Signal()
