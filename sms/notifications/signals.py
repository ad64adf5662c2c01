"""Signals the alert machinery sends (``sms.accounts.notices.alerts_raise``)."""

from django.dispatch import Signal

# New alerts were raised (each once: its rule, object and stage are unique), in the raising
# transaction. sender: Alert; alerts: the new Alert rows. Outgoing webhooks turn some into events.
alerts_raised = Signal()
