"""``Authorization: Bearer <token>``: the token's user, checked afresh on every request.

A token stops working at once when it is revoked or expired, when its user is deactivated, or when
its user may no longer sign in for any reason an app registered with ``sms.accounts.access`` (an
ended licence): the same question sign-in and every page request ask.
"""

import hmac
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from sms.accounts.access import sign_in_refusal
from sms.api.models import ApiToken
from sms.api.services import PREFIX_LENGTH, TOKEN_MARKER, token_digest
from sms.audit.context import current_api_token

# How often the last-used time is written: often enough to review, not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header must be: Bearer <token>")
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid") from None
        return self.authenticate_token(presented)

    def authenticate_token(self, presented: str):
        prefix = presented.removeprefix(TOKEN_MARKER)[:PREFIX_LENGTH]
        token = (
            ApiToken.objects.select_related("user__sponsor").filter(prefix=prefix).first()
            if presented.startswith(TOKEN_MARKER) and len(prefix) == PREFIX_LENGTH
            else None
        )
        if token is None or not hmac.compare_digest(token.digest, token_digest(presented)):
            raise exceptions.AuthenticationFailed("The token is not valid")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("The token has been revoked")
        if token.is_expired():
            raise exceptions.AuthenticationFailed(f"The token expired on {token.expires_on:%-d %B %Y}")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("The token's user has been deactivated")
        refusal = sign_in_refusal(user)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # Every audit row written while serving this request names the token.
        current_api_token.set(f"{token.name} (#{token.pk})")
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "sms.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API token a Level 1 user created"}
