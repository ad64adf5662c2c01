"""Uploaded documents: checked by content (not by name), size-limited, stored outside the web root.

Files live under MEDIA_ROOT, which is never served directly: each download goes through a view that
checks the person may see the document.
"""

import uuid
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename

# What a sponsor may send as evidence, recognised from the file's first bytes.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
ALLOWED_DESCRIPTION = "a PDF, PNG, JPG or Word (DOCX) file"


def detect_type(upload) -> str | None:
    """The MIME type the file's content shows, or None when it is not one we accept."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return kind.mime


def validate_upload(upload) -> str:
    """Check size and content; returns the detected MIME type or raises a GOV.UK-style error."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    if upload.size > limit:
        raise ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)}MB")
    mime = detect_type(upload)
    if mime is None:
        raise ValidationError(f"The selected file must be {ALLOWED_DESCRIPTION}")
    return mime


def document_path(instance, filename: str) -> str:
    """A random stored name: nothing a person typed reaches the file system."""
    extension = ALLOWED_TYPES.get(instance.content_type, "bin")
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def safe_display_name(name: str) -> str:
    """The uploaded file's own name, reduced to safe characters, for showing and downloading.

    A name with nothing safe left in it (only symbols, say) becomes "document", keeping a safe
    extension if it had one.
    """
    try:
        cleaned = get_valid_filename(PurePath(name).name) if name else ""
    except SuspiciousFileOperation:  # nothing usable remained
        cleaned = ""
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        stem, extension = cleaned, ""
    if not stem.strip("._-"):
        cleaned = f"document.{extension}" if extension else "document"
    return cleaned[:200]


def documents_store(documents, uploads, *, description: str = "") -> list:
    """Check each upload (size and content) and create its row through ``documents``.

    ``documents`` is the related manager of what the files belong to (``request.documents``,
    ``obligation.evidence``), so the row is tied to its owner. The one way every app stores uploads.
    """
    stored = []
    for upload in uploads:
        content_type = validate_upload(upload)
        stored.append(
            documents.create(
                file=upload,
                original_name=safe_display_name(upload.name),
                content_type=content_type,
                size=upload.size,
                description=description.strip()[:255],
            )
        )
    return stored


class UploadedDocument(models.Model):
    """Fields every uploaded document has. Concrete models add what the document belongs to."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=255, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
