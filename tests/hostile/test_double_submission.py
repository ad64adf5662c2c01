"""A button pressed twice (a second tab, a double click, the back button) never causes a server
error: the second submission of every withdraw, cancel and decide form is answered with what has
already happened, and changes nothing."""

import pytest
from django.urls import reverse

from tests.worlds import ARGUMENTS, build_world

REASON = {"reason": "Sent twice"}
# (route, who submits, what the form sends)
CASES = [
    ("licensing:request_withdraw", "level_1", {}),
    ("certificates:withdraw_allocation_request", "level_1", {}),
    ("certificates:withdraw", "level_1", REASON),
    ("reporting:cancel", "level_1", REASON),
    ("licensing:deactivate_user", "level_1", {}),
    ("licensing:ho_request_grant", "caseworker", {}),
    ("licensing:ho_request_refuse", "caseworker", REASON),
    ("licensing:ho_application_refuse", "caseworker", REASON),
    ("portal:ho_application_grant", "caseworker", {"routes": "skilled_worker", "validity_years": "10", "worker": "5"}),
    ("certificates:ho_allocation_request", "caseworker", {"worker": "3", "reason": ""}),
    ("certificates:ho_defined_request", "caseworker", {"decision": "grant", "reason": ""}),
    ("certificates:ho_cancel", "caseworker", REASON),
    ("licensing:ho_suspend", "compliance_officer", REASON),
    ("licensing:ho_revoke", "compliance_officer", REASON),
    ("portal:closure_day_remove", "administrator", {}),
]


@pytest.mark.parametrize(("route", "who", "data"), CASES, ids=[case[0] for case in CASES])
def test_a_second_submission_says_what_already_happened(client, sponsor, level_1, level_2, route, who, data):
    world = build_world(sponsor, level_1, level_2)
    client.raise_request_exception = False
    client.force_login(world["people"][who])
    url = reverse(route, kwargs=ARGUMENTS[route](world))
    first = client.post(url, data)
    assert first.status_code < 400, first.status_code
    second = client.post(url, data, follow=True)
    assert second.status_code < 500
    assert second.status_code in (200, 409)
    content = second.content.decode()
    assert "already" in content or "cannot" in content or "no longer" in content, content[:3000]
