"""Writes about accounts: creating users, activation, multi-factor authentication, unlocking.

Every change is atomic and writes its audit row in the same transaction; emails go through the
outbox on commit.
"""

import math
import secrets
import time

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sms.accounts.access import sign_in_refusal
from sms.accounts.models import User
from sms.accounts.policy import Action, require
from sms.accounts.selectors import locked_account_attempts
from sms.accounts.tokens import activation_token_generator, password_reset_token_generator
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.notifications.services import email_enqueue_template

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _link(url_name: str, user: User, token: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL.rstrip("/") + reverse(url_name, kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def user_create(
    *,
    email: str,
    given_name: str,
    family_name: str,
    created_by: User | None,
    sponsor=None,
    level: str = "",
    staff_role: str = "",
    send_activation: bool = True,
) -> User:
    """Create a sponsor user (sponsor and level) or a Home Office user (staff role).

    The new account has no password: the person sets one through a single-use activation link.
    """
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("A user with this email address already exists")
    kind = User.Kind.SPONSOR if sponsor is not None else User.Kind.HOME_OFFICE
    user = User.objects.create_user(
        email,
        given_name=given_name,
        family_name=family_name,
        kind=kind,
        sponsor=sponsor,
        level=level,
        staff_role=staff_role,
        created_by=created_by,
    )
    audit.record(
        actor=created_by,
        verb=Verb.USER_CREATED,
        target=user,
        sponsor=sponsor,
        payload={"email": user.email, "role": user.role_label, "user_id": user.user_id},
    )
    if send_activation:
        _activation_link_send(user=user, actor=created_by)
    return user


@transaction.atomic
def _activation_link_send(*, user: User, actor: User | None) -> str:
    """Email the user a single-use link to set their first password; returns the link."""
    link = _link("accounts:activate", user, activation_token_generator.make_token(user))
    hours = settings.ACCOUNT_ACTIVATION_TIMEOUT // 3600
    email_enqueue_template(
        to=user.email,
        template="account_activation",
        context={"service_name": settings.SERVICE_NAME, "user": user, "link": link, "hours": hours},
    )
    audit.record(actor=actor, verb=Verb.ACTIVATION_LINK_SENT, target=user, sponsor=user.sponsor)
    return link


@transaction.atomic
def activation_link_resend(*, user: User, sent_by: User | None) -> str:
    """Send a new activation link to a user who has not activated; the previous link stops working.

    Callers ask the policy first (``sms.licensing.services.users.sponsor_user_activation_resend``).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError(f"{user.full_name or user.email}'s account is deactivated: reactivate it first")
    if user.activated_at is not None or user.has_usable_password():
        raise DomainError(f"{user.full_name or user.email} has already activated their account")
    # A new unusable password changes the hash the link tokens are made from: old links are spent.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return _activation_link_send(user=user, actor=sent_by)


@transaction.atomic
def user_reactivate(*, user: User, reactivated_by: User | None) -> User:
    """Let a deactivated user sign in again, and tell them by email.

    Callers ask the policy first (``account_reactivate``, ``sponsor_user_reactivate``).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise DomainError(f"{user.full_name or user.email}'s account is already active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        actor=reactivated_by,
        verb=Verb.USER_REACTIVATED,
        target=user,
        sponsor=user.sponsor,
        payload={"role": user.role_label},
    )
    if user.activated_at is None:
        # They never set a password: a fresh activation link is what lets them in.
        _activation_link_send(user=user, actor=reactivated_by)
        return user
    email_enqueue_template(
        to=user.email,
        template="account_reactivated",
        context={
            "service_name": settings.SERVICE_NAME,
            "user": user,
            "sign_in_link": settings.SITE_URL.rstrip("/") + reverse("accounts:sign_in"),
        },
    )
    return user


@transaction.atomic
def account_reactivate(*, actor: User, user: User) -> User:
    """The Home Office helpdesk reactivates a deactivated account (domain.md section 6)."""
    require(actor, Action.UNLOCK_ACCOUNT, user)
    return user_reactivate(user=user, reactivated_by=actor)


@transaction.atomic
def account_activation_resend(*, actor: User, user: User) -> str:
    """The Home Office helpdesk sends a new activation link (domain.md section 6)."""
    require(actor, Action.UNLOCK_ACCOUNT, user)
    return activation_link_resend(user=user, sent_by=actor)


@transaction.atomic
def account_activate(*, user: User, password: str) -> User:
    """Set the first password from an activation link; the link is then spent."""
    validate_password(password, user)
    user.set_password(password)
    user.activated_at = timezone.now()
    user.save(update_fields=["password", "activated_at"])
    audit.record(actor=user, verb=Verb.ACCOUNT_ACTIVATED, target=user)
    return user


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Send a reset link if an active account has this address; say nothing either way.

    The page answers the same whether or not the account exists, so it cannot be used to find
    out who has an account.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    link = _link("accounts:password_reset_confirm", user, password_reset_token_generator.make_token(user))
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    email_enqueue_template(
        to=user.email,
        template="password_reset",
        context={"service_name": settings.SERVICE_NAME, "user": user, "link": link, "minutes": minutes},
    )
    audit.record(actor=user, verb=Verb.PASSWORD_RESET_REQUESTED, target=user)


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> bool:
    """Set a new password from a reset link (the link is then spent) and unlock the account.

    The link proves the person controls the mailbox, which is what the helpdesk would check before
    unlocking; multi-factor authentication still applies at the next sign-in. Returns whether the
    account was locked (docs/decisions.md).
    """
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    was_locked = locked_account_attempts().filter(username=user.email).exists()
    axes_reset(username=user.email)
    audit.record(actor=user, verb=Verb.PASSWORD_RESET, target=user, payload={"account_unlocked": was_locked})
    return was_locked


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Change a signed-in user's password (the form has checked the current one)."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(actor=user, verb=Verb.PASSWORD_CHANGED, target=user)
    return user


def sign_in_check(*, user: User) -> str | None:
    """Why ``user``, whose password was right, may not sign in (audited), or None when they may."""
    reason = sign_in_refusal(user)
    if reason:
        audit.record(actor=user, verb=Verb.SIGN_IN_REFUSED, target=user, payload={"reason": reason})
    return reason


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    """The user's authenticator app, once set up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def mfa_enrolment_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed TOTP secret for the user to add to their authenticator app.

    Starting again replaces any unfinished enrolment.
    """
    if confirmed_totp_device(user) is not None:
        raise DomainError("Multi-factor authentication is already set up for this account")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def _issue_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def mfa_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator app with a code from it; returns one-time recovery codes.

    The codes are shown once: only the person holds them afterwards.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token.replace(" ", "")):
        raise DomainError("The security code is not right: enter the 6-digit code your app shows now")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _issue_recovery_codes(user)
    audit.record(actor=user, verb=Verb.MFA_ENROLLED, target=user)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working)."""
    if confirmed_totp_device(user) is None:
        raise DomainError("Set up multi-factor authentication first")
    codes = _issue_recovery_codes(user)
    audit.record(actor=user, verb=Verb.RECOVERY_CODES_REGENERATED, target=user)
    return codes


def _wait_text(until) -> str:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def _is_app_code(code: str) -> bool:
    return code.isdigit() and len(code) <= 8


@transaction.atomic
def mfa_verify(*, user: User, code: str):
    """Check a code from the app or a recovery code; returns the device that matched, or None.

    Digits are checked against the app, anything else against the recovery codes, so a mistyped app
    code never delays a recovery code. A recovery code is spent when used. Both outcomes are
    audited. After a wrong app code, django-otp refuses the next try for 1 second, doubling with
    each further failure; the refusal says how long is left.
    """
    code = code.strip().replace(" ", "").lower()
    totp = confirmed_totp_device(user)
    if totp is not None and _is_app_code(code):
        allowed, data = totp.verify_is_allowed()
        if not allowed:
            raise DomainError(
                f"You have entered a wrong code {data['failure_count']} "
                f"time{'s' if data['failure_count'] != 1 else ''}. "
                f"Wait {_wait_text(data['locked_until'])}, then enter the code your app shows"
            )
        if totp.verify_token(code):
            audit.record(actor=user, verb=Verb.MFA_VERIFIED, target=user)
            return totp
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    if recovery is not None and not _is_app_code(code):
        allowed, data = recovery.verify_is_allowed()
        if not allowed:
            raise DomainError(
                f"You have entered a wrong recovery code. Wait {_wait_text(data['locked_until'])}, then try again"
            )
    if recovery is not None and not _is_app_code(code) and recovery.verify_token(code):
        audit.record(
            actor=user,
            verb=Verb.RECOVERY_CODE_USED,
            target=user,
            payload={"remaining": recovery.token_set.count()},
        )
        return recovery
    audit.record(actor=user, verb=Verb.MFA_FAILED, target=user)
    return None


def mfa_code_already_used(*, user: User, code: str) -> bool:
    """True when ``code`` is the app's code for a time step already used to sign in.

    The app keeps showing a code for 30 seconds; django-otp accepts each time step once (replay
    protection), so a person signing in again within that time must wait for the next code.
    """
    code = code.strip().replace(" ", "")
    totp = confirmed_totp_device(user)
    if totp is None or not _is_app_code(code) or totp.last_t < 0:
        return False
    check = TOTP(totp.bin_key, totp.step, totp.t0, totp.digits, totp.drift)
    check.time = time.time()
    for offset in range(-totp.tolerance, totp.tolerance + 1):
        check.drift = totp.drift + offset
        if check.t() <= totp.last_t and check.token() == int(code):
            return True
    return False


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> int:
    """Clear a locked account's failed attempts (Home Office helpdesk); returns how many."""
    require(actor, Action.UNLOCK_ACCOUNT, user)
    cleared = axes_reset(username=user.email)
    audit.record(
        actor=actor,
        verb=Verb.ACCOUNT_UNLOCKED,
        target=user,
        sponsor=user.sponsor,
        payload={"attempts_cleared": cleared},
    )
    return cleared
