"""Uploaded files' display names: safe characters, and a fallback when nothing safe is left."""

import pytest

from sms.core.uploads import safe_display_name


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("Companies House extract.pdf", "Companies_House_extract.pdf"),
        ("../../etc/passwd", "passwd"),
        ("€€€", "document"),
        ("€€€.pdf", "document.pdf"),
        ("...", "document"),
        ("", "document"),
        ("a" * 300 + ".pdf", "a" * 200),
    ],
)
def test_a_display_name_is_safe_and_never_empty(uploaded, shown):
    assert safe_display_name(uploaded) == shown
