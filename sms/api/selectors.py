"""Reads of API tokens, scoped to the acting user's sponsor."""

from django.db.models import QuerySet
from django.http import Http404

from sms.api.models import ApiToken


def tokens_for_user(*, user) -> QuerySet[ApiToken]:
    """The sponsor's tokens, newest first (a Level 1 user sees every user's, to revoke any)."""
    return ApiToken.objects.filter(sponsor_id=user.sponsor_id).select_related("user")


def token_for_user(*, user, uuid) -> ApiToken:
    found = ApiToken.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid).first()
    if found is None:
        raise Http404
    return found
