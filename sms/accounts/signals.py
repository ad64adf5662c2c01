"""Every sign-in event is audited: success, failure, lockout and sign-out."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sms.accounts.models import User
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.emails import canonical_email


def _user_for(email: str | None) -> User | None:
    if not email:
        return None
    return User.objects.filter(email=canonical_email(email)).select_related("sponsor").first()


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def audit_signed_in(sender, request, user, **kwargs):
    audit.record(actor=user, verb=Verb.SIGNED_IN, target=user)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def audit_signed_out(sender, request, user, **kwargs):
    # A timeout is recorded as its own event just before the sign-out it causes.
    if user is not None and not getattr(request, "signed_out_for_inactivity", False):
        audit.record(actor=user, verb=Verb.SIGNED_OUT, target=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("email") or (credentials or {}).get("username")
    user = _user_for(email)
    # A failure against an existing account belongs to that account's sponsor's trail.
    audit.record(
        actor=None,
        actor_label=str(email or "")[:320] or "Unknown",
        verb=Verb.SIGN_IN_FAILED,
        target=user,
        sponsor=user.sponsor if user else None,
        payload={"email": str(email or "")[:320]},
    )


@receiver(user_locked_out, dispatch_uid="audit_account_locked")
def audit_account_locked(sender, request, username, ip_address, **kwargs):
    """One event per lockout: django-axes signals again for every attempt while the account is locked."""
    if getattr(request, "account_already_locked", False):
        return
    user = _user_for(username)
    audit.record(
        actor=None,
        actor_label=str(username or "")[:320] or "Unknown",
        verb=Verb.ACCOUNT_LOCKED,
        target=user,
        sponsor=user.sponsor if user else None,
        payload={"email": str(username or "")[:320]},
    )
