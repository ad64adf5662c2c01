"""``Idempotency-Key`` on POST: a retried request gets the first response, and does its work once.

The key's row is inserted first, in the transaction that then does the work and stores the
response. A retry racing the first request waits on the unique index until the first commits, then
replays its response; if the first failed with a server error, everything (the key too) rolled
back and the retry does the work itself. Client errors (400, 409, 422) are stored and replayed like
successes, so a retry never gets a different answer to the same request.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from sms.api.models import IdempotencyKey
from sms.api.problems import problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def fingerprint(request) -> str:
    """The request's method, path and content (files by name, size and digest)."""
    content = {}
    for key in request.data:
        values = request.data.getlist(key) if hasattr(request.data, "getlist") else [request.data[key]]
        content[key] = [_plain(value) for value in values]
    for key in request.FILES:
        content[f"file:{key}"] = [_plain(upload) for upload in request.FILES.getlist(key)]
    text = json.dumps(
        [request.method, request.path, request.query_params.urlencode(), content], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value):
    if hasattr(value, "read") and hasattr(value, "size"):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"name": value.name, "size": value.size, "sha256": digest.hexdigest()}
    return value


def replay(record: IdempotencyKey, print_: str) -> Response:
    if record.fingerprint != print_:
        return problem(422, f"This {HEADER} was used for a different request")
    headers = {"Idempotent-Replayed": "true"}
    if record.location:
        headers["Location"] = record.location
    content_type = "application/problem+json" if record.status_code >= 400 else None
    return Response(record.body, status=record.status_code, headers=headers, content_type=content_type)


def run_once(view, request, handler, *args, **kwargs) -> Response:
    """Run ``handler`` once per (token, key); ``view.handle_exception`` turns a refusal into its response."""
    key = request.headers.get(HEADER, "")
    if not key.isprintable() or len(key) > MAX_KEY_LENGTH or not key.strip():
        return problem(400, f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} printable characters")
    print_ = fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(token=request.auth, key=key, fingerprint=print_)
        except IntegrityError:
            # Another request with this key committed first (we waited for it on the unique index).
            return replay(IdempotencyKey.objects.get(token=request.auth, key=key), print_)
        try:
            with transaction.atomic():
                response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the view's handler decides (and re-raises a server error)
            response = view.handle_exception(exc)
        if response.status_code >= 500:
            transaction.set_rollback(True)  # not stored: the retry does the work
            return response
        record.status_code = response.status_code
        record.body = json.loads(JSONRenderer().render(response.data) or b"null")
        record.location = response.headers.get("Location", "")
        record.save(update_fields=["status_code", "body", "location"])
    return response
