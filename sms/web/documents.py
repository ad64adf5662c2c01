"""Serving uploaded documents: one view, told by each app's URL which documents and whose.

A download is only ever sent after the owner (the application, request or obligation the file
belongs to) has been fetched through a tenancy-scoped lookup, so another sponsor's document answers
404. Every download is audited, sent as an attachment (never rendered inline) with nosniff.
"""

from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404
from django.views import View

from sms.accounts.permissions import PolicyMixin
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


class DocumentDownloadView(PolicyMixin, View):
    """Download one document of an owner the user may see.

    Configured in the URL conf::

        DocumentDownloadView.as_view(
            action=Action.VIEW_SPONSOR_RECORDS,
            model=RequestDocument,           # the UploadedDocument model
            owner_field="request",           # its foreign key to the owner
            owner=lambda request, reference, **kwargs: selectors.sponsor_request_for_user(
                user=request.user, reference=reference
            ),                               # the scoped lookup; raises Http404 when not the user's
            document_kwarg="uuid",           # the URL argument naming the document
        )
    """

    http_method_names = ["get"]
    model = None
    owner_field = ""
    owner = None
    document_kwarg = "uuid"

    def load(self, request, *args, **kwargs):
        if self.model is None or not self.owner_field or self.owner is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs model, owner_field and owner")
        owner = self.owner(request, **kwargs)
        document = self.model.objects.filter(**{self.owner_field: owner, "uuid": kwargs[self.document_kwarg]}).first()
        if document is None:
            raise Http404
        self.owner_object = owner
        self.document = document

    def get(self, request, *args, **kwargs):
        return document_response(request, self.document, sponsor=self.owner_object.sponsor)
