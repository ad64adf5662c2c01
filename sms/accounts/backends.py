"""The lockout check that runs before the password is checked (django-axes)."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class LockoutBackend(AxesStandaloneBackend):
    """Refuse a locked account, and mark the request so the lockout it continues is not audited again.

    One lockout is one audit event (``sms.accounts.signals.audit_account_locked``); attempts while
    the account is locked are recorded as failed sign-ins only.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.account_already_locked = True
            raise
