"""Logging filters."""

import logging

from django.core.exceptions import PermissionDenied


def _escaped(text: str) -> str:
    # As Django escapes paths in its request log: no line breaks or control characters from a URL.
    return text.encode("unicode_escape").decode("ascii")


class PermissionDeniedOneLine(logging.Filter):
    """A refusal (403 from ``PermissionDenied``) is expected, not a fault: one line, no traceback.

    ``403 Forbidden: user 12 GET /licence/users/add/: not allowed by the policy``
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) != 403 or not isinstance(error, PermissionDenied) or request is None:
            return True
        user = getattr(request, "user", None)
        who = f"user {user.pk}" if getattr(user, "is_authenticated", False) else "anonymous user"
        record.msg = "403 Forbidden: %s %s %s: %s"
        record.args = (who, request.method, _escaped(request.path), _escaped(str(error)) or "not allowed by the policy")
        record.exc_info = None
        record.exc_text = None
        return True
