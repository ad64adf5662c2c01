"""Tokens and clients for API tests."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sms.api.services import api_token_create


def token_for(user, scope="read-write", name="HR system", days=30):
    """A new token (row, secret) for ``user``, made as an operator would."""
    return api_token_create(
        actor=None, user=user, name=name, scope=scope, expires_on=timezone.localdate() + timedelta(days=days)
    )


def api_client(secret) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def api(user, scope="read-write") -> Client:
    return api_client(token_for(user, scope)[1])
