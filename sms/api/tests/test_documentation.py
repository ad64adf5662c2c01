"""The API documentation page speaks to the people who connect a system, not to this code's
maintainers: no internal notes from the views' docstrings."""

from django.urls import reverse


def test_the_documentation_page_lists_endpoints_without_internal_notes(client, db):
    page = client.get(reverse("api:docs")).content.decode()
    assert "/api/v1/certificates/" in page
    assert "Assign a draft" in page
    assert "read_action" not in page
    assert "sms.api" not in page
    # What a view does say for its callers is still shown.
    assert "opens the reporting obligations it makes due" in page
