"""API tokens: created by a Level 1 user for a user of their sponsor, shown once, revoked at will."""

import hashlib
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from sms.accounts.models import User
from sms.accounts.policy import Action, require
from sms.api.models import ApiToken
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError

TOKEN_MARKER = "sms_"
PREFIX_LENGTH = 12
# The longest a token may live: a credential an HR system keeps should be replaced at least yearly.
MAX_LIFETIME_DAYS = 366


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    """A token ("sms_" + lookup prefix + "_" + 256 random bits) and its lookup prefix."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"{TOKEN_MARKER}{prefix}_{secrets.token_urlsafe(32)}", prefix


@transaction.atomic
def api_token_create(
    *, actor: User | None, user: User, name: str, scope: str, expires_on: date
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` (a sponsor user); returns the row and the token, which is never
    stored and cannot be shown again. ``actor=None`` is an operator's command."""
    require(actor, Action.MANAGE_API_TOKENS, user)
    if not user.is_sponsor_user or not user.is_active:
        raise DomainError("API tokens are for active sponsor users")
    if actor is not None and user.pk != actor.pk:
        raise DomainError("You can create API tokens only for yourself")
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter a name for the token")
    if scope not in ApiToken.Scope.values:
        raise DomainError("Select what the token may do")
    today = timezone.localdate()
    if expires_on <= today:
        raise DomainError("The expiry date must be in the future")
    if expires_on > today + timedelta(days=MAX_LIFETIME_DAYS):
        raise DomainError("The expiry date must be within a year")
    secret, prefix = _new_secret()
    token = ApiToken.objects.create(
        user=user,
        sponsor_id=user.sponsor_id,
        name=name,
        scope=scope,
        prefix=prefix,
        digest=token_digest(secret),
        expires_on=expires_on,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        verb=Verb.API_TOKEN_CREATED,
        target=token,
        sponsor=user.sponsor,
        payload={"name": name, "scope": scope, "expires_on": expires_on.isoformat(), "user": user.email},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token: the next request made with it is refused."""
    require(actor, Action.MANAGE_API_TOKENS, token)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError("This token is already revoked")
    token.revoked_at = timezone.now()
    token.revoked_by = actor if getattr(actor, "pk", None) else None
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(actor=actor, verb=Verb.API_TOKEN_REVOKED, target=token, payload={"name": token.name})
    return token
