"""The secrets that key the audit chain, kept outside the database.

``settings.AUDIT_KEYS`` maps a key id to its secret; the first entry signs new rows, and every entry
still verifies the rows it signed, so a key can be rotated without rewriting the trail (docs/operations).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys() -> dict[str, str]:
    keys = getattr(settings, "AUDIT_KEYS", None)
    if not keys:
        raise ImproperlyConfigured("AUDIT_KEYS is empty: the audit trail needs a signing key")
    return keys


def current() -> tuple[str, bytes]:
    """The id and secret that sign new rows."""
    key_id, secret = next(iter(_keys().items()))
    return key_id, secret.encode("utf-8")


def secret_for(key_id: str) -> bytes | None:
    """The secret a row names, or None if this installation does not hold it."""
    secret = _keys().get(key_id)
    return secret.encode("utf-8") if secret is not None else None


def held() -> dict[str, bytes]:
    """Every key this installation holds, by id: the ones whose rows it can verify."""
    return {key_id: secret.encode("utf-8") for key_id, secret in _keys().items()}


def parse(value: str) -> dict[str, str]:
    """``id:secret,id:secret`` (newest first) as an ordered mapping, as the environment gives it."""
    keys: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        key_id, separator, secret = entry.partition(":")
        if not separator or not key_id or len(secret) < 32:
            raise ImproperlyConfigured("AUDIT_KEYS entries are id:secret with a secret of at least 32 characters")
        keys[key_id] = secret
    return keys
