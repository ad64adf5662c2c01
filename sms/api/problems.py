"""Every API error as one JSON body: RFC 9457 problem details (``application/problem+json``).

``{"type", "title", "status", "detail", "errors"}``: ``errors`` maps a field (or ``rows``, for a bulk
request: a list of ``{"row", "field", "message"}``) to its messages. Rule refusals from the services
are 422, illegal status changes 409, another sponsor's objects 404, like the pages.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from sms.core.exceptions import DomainError, IllegalTransition
from sms.core.imports import ImportRefused

logger = logging.getLogger("sms.api")

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Refused by a rule",
    429: "Too many requests",
    500: "Server error",
}


def problem(status_code: int, detail: str, errors=None, headers=None) -> Response:
    body = {"type": "about:blank", "title": TITLES.get(status_code, "Error"), "status": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)
    return response


def _field_errors(detail) -> dict:
    """DRF's nested error detail as {field: [messages]} (a list at the top is "non_field_errors")."""
    if isinstance(detail, dict):
        return {
            str(field): [str(m) for m in messages] if isinstance(messages, list) else _field_errors(messages)
            for field, messages in detail.items()
        }
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


class FieldErrors(exceptions.ValidationError):
    """A Django form's errors, raised as a 400 with the same messages the pages show."""

    def __init__(self, form_errors: dict):
        super().__init__(
            {field if field != "__all__" else "non_field_errors": list(m) for field, m in form_errors.items()}
        )


class RowErrors(Exception):
    """A bulk request refused as a whole: every row's errors."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        super().__init__(f"{len(rows)} errors")


def exception_handler(exc, context):
    """DRF's exception handler setting: every exception a view raises, as a problem."""
    if isinstance(exc, Http404):
        return problem(404, "Not found")
    if isinstance(exc, PermissionDenied):
        return problem(403, "You may not do this")
    if isinstance(exc, IllegalTransition):
        return problem(409, str(exc))
    problems = getattr(exc, "problems", None)
    if isinstance(exc, DomainError):
        errors = {}
        for item in problems or ():
            errors.setdefault(item.field or "non_field_errors", []).append(item.message)
        return problem(422, str(exc), errors or None)
    if isinstance(exc, ImportRefused):
        rows = [{"row": e.row, "field": e.column, "message": e.message} for e in exc.errors]
        return problem(422, "Nothing was recorded: every row must be valid", {"rows": rows})
    if isinstance(exc, RowErrors):
        return problem(422, "Nothing was recorded: every row must be valid", {"rows": exc.rows})
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, exceptions.ValidationError):
            return problem(400, "Some fields are not valid", _field_errors(exc.detail), headers)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem(exc.status_code, str(detail), headers=headers)
    logger.exception("API request failed", exc_info=exc)
    return problem(status.HTTP_500_INTERNAL_SERVER_ERROR, "Something went wrong: try again later")


def problem_json(status_code: int, detail: str) -> JsonResponse:
    """A problem as a plain Django response, for errors outside a DRF view (unknown addresses)."""
    body = {"type": "about:blank", "title": TITLES.get(status_code, "Error"), "status": status_code, "detail": detail}
    return JsonResponse(body, status=status_code, content_type=PROBLEM_TYPE)
