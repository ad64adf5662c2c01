"""Serving uploaded documents: only through views that have already checked who may see them."""

from django.http import FileResponse

from sms.audit import services as audit
from sms.audit.models import Verb


def document_response(request, document, *, sponsor=None) -> FileResponse:
    """Send a stored document as a download, never rendered inline, and record who fetched it."""
    audit.record(
        actor=request.user if request.user.is_authenticated else None,
        verb=Verb.DOCUMENT_DOWNLOADED,
        target=document,
        sponsor=sponsor,
        payload={"name": document.original_name},
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
