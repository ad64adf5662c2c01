"""A refusal (403) is logged as one line naming the user, method and path, without a traceback."""

import logging

from django.urls import reverse

from sms.accounts.tests.helpers import sign_in


def test_a_permission_refusal_is_logged_as_one_line(client, level_2, caplog):
    sign_in(client, level_2)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("licensing:add_level_2"))
    assert response.status_code == 403
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.getMessage() == (
        f"403 Forbidden: user {level_2.pk} GET {reverse('licensing:add_level_2')}: not allowed by the policy"
    )
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_other_client_errors_are_logged_as_before(client, level_1, caplog):
    sign_in(client, level_1)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/no-such-page/").status_code == 404
    assert "Not Found: /no-such-page/" in caplog.text
