"""The lockout check that runs before the password is checked (django-axes)."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings

from sms.core.emails import canonical_email


def lockout_username(request, credentials=None) -> str | None:
    """The key django-axes counts failures under: the canonical email address the account is found
    by, so every spelling of one address (case, compatibility forms, spaces) shares one lockout."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field) or (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "data", request.POST).get(field)
    return canonical_email(value) if value else None


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
