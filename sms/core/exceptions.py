"""Domain errors raised by services; views turn them into form errors or HTTP 409."""


class DomainError(Exception):
    """A business rule refused the action. The message is shown to the user as it is."""


class IllegalTransition(DomainError):
    """A status change that the lifecycle's transition table does not allow."""
