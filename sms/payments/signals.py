"""Signals payments sends up to the apps whose fees it takes.

``payment_finished`` (``payment=``): a payment reached its final status (paid, failed, cancelled or
error), confirmed with the provider. Sent inside the transaction that recorded it, so a receiver's
change (an action plan marked paid) commits or rolls back with it.
"""

from django.dispatch import Signal

payment_finished = Signal()
