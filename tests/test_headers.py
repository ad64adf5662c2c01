"""What signed-in pages and downloads tell browsers and proxies to keep: nothing."""

from django.urls import reverse


def test_a_signed_in_page_is_never_stored(client, level_1):
    client.force_login(level_1)
    response = client.get(reverse("certificates:list"))
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private"} <= directives


def test_a_public_page_may_be_cached_normally(client):
    response = client.get(reverse("portal:cookies"))
    assert "no-store" not in response.get("Cache-Control", "")
