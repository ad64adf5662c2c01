"""API tokens: created on a page (shown once, stored hashed), by an operator's command, scoped,
expiring and revocable; a deactivated user's or an ended licence's tokens stop at once; every use is
attributable in the audit trail."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.api.models import ApiToken
from sms.api.services import token_digest
from sms.api.tests.helpers import api_client, token_for
from sms.api.throttling import TokenRateThrottle
from sms.audit.models import AuditEvent, Verb
from sms.certificates.tests.factories import draft
from sms.licensing.models import Licence
from sms.licensing.services.users import sponsor_user_deactivate


def test_a_level_1_user_creates_a_token_on_a_page_and_sees_it_once(client, level_1):
    sign_in(client, level_1)
    expires = date.today() + timedelta(days=60)
    response = client.post(
        reverse("api:token_create"),
        {"name": "Payroll export", "scope": "read-write", "expires_on": expires.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.expires_on, token.user) == ("Payroll export", "read-write", expires, level_1)
    # Stored as a digest only: the secret is nowhere in the row.
    assert token.digest == token_digest(secret)
    assert secret not in str(token.__dict__)
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Payroll export" in listing
    assert secret not in listing
    assert api_client(secret).get("/api/v1/licence/").status_code == 200
    assert AuditEvent.objects.filter(verb=Verb.API_TOKEN_CREATED, actor=level_1).exists()


def test_the_form_refuses_an_expiry_in_the_past_or_beyond_a_year(client, level_1):
    sign_in(client, level_1)
    for day in (date.today(), date.today() + timedelta(days=400)):
        response = client.post(
            reverse("api:token_create"), {"name": "HR", "scope": "read", "expires_on": day.strftime("%d/%m/%Y")}
        )
        assert response.status_code == 200
        assert "secret" not in response.context
    assert not ApiToken.objects.exists()


def test_level_2_users_may_not_manage_tokens(client, level_2):
    sign_in(client, level_2)
    assert client.get(reverse("api:tokens")).status_code == 403
    assert client.get(reverse("api:token_create")).status_code == 403


def test_a_revoked_token_stops_at_once(client, level_1):
    token, secret = token_for(level_1)
    api = api_client(secret)
    assert api.get("/api/v1/certificates/").status_code == 200
    sign_in(client, level_1)
    assert client.post(reverse("api:token_revoke", args=[token.uuid])).status_code == 302
    response = api.get("/api/v1/certificates/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has been revoked"


def test_an_expired_token_is_refused(level_1):
    _, secret = token_for(level_1, days=1)
    api = api_client(secret)
    assert api.get("/api/v1/licence/").status_code == 200
    with time_machine.travel(date.today() + timedelta(days=2)):
        response = api.get("/api/v1/licence/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_deactivated_users_token_stops_at_once(level_1, level_2):
    _, secret = token_for(level_2)
    api = api_client(secret)
    assert api.get("/api/v1/licence/").status_code == 200
    sponsor_user_deactivate(user=level_2, actor=level_1)
    response = api.get("/api/v1/licence/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token's user has been deactivated"


def test_an_ended_licences_tokens_stop_at_once(sponsor, level_1):
    _, secret = token_for(level_1)
    api = api_client(secret)
    assert api.get("/api/v1/licence/").status_code == 200
    Licence.objects.filter(sponsor=sponsor).update(status=Licence.Status.REVOKED, status_changed_on=date.today())
    response = api.get("/api/v1/licence/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_token_with_a_wrong_secret_but_a_real_prefix_is_refused(level_1):
    token, secret = token_for(level_1)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert api_client(forged).get("/api/v1/licence/").status_code == 401


def test_the_operators_command_prints_a_working_token_as_its_last_line(level_2):
    out = io.StringIO()
    call_command("api_token_create", "--email", level_2.email.upper(), "--scope", "read", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    api = api_client(secret)
    assert api.get("/api/v1/certificates/").status_code == 200
    assert api.post("/api/v1/certificates/", {}, content_type="application/json").status_code == 403
    assert ApiToken.objects.get().scope == "read"


def test_writes_through_a_token_name_it_in_the_audit_trail(sponsor, level_1):
    token, secret = token_for(level_1, name="Payroll")
    response = api_client(secret).post(
        "/api/v1/certificates/", {"family_name": "Audited"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.filter(verb=Verb.CERTIFICATE_DRAFTED).latest("id")
    assert event.actor == level_1
    assert event.payload["api_token"] == f"Payroll (#{token.pk})"


def test_a_token_acts_with_its_users_permissions_only(sponsor, level_1, level_2):
    """Level 2's token may not withdraw a certificate a Level 1 user created (own-only rule)."""
    from sms.certificates.services.certificates import certificate_assign
    from sms.certificates.tests.factories import give_allocation

    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    response = api_client(token_for(level_2)[1]).post(
        f"/api/v1/certificates/{certificate.uuid}/withdraw/", {"reason": "No"}, content_type="application/json"
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "assigned"


def test_rate_limits_count_per_token(monkeypatch, level_1):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api_token": "3/min"})
    first, second = api_client(token_for(level_1)[1]), api_client(token_for(level_1, name="Other")[1])
    statuses = [first.get("/api/v1/licence/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = first.get("/api/v1/licence/")
    assert refused.json()["status"] == 429
    assert int(refused["Retry-After"]) > 0
    assert second.get("/api/v1/licence/").status_code == 200


@pytest.mark.parametrize("scope", ["read", "read-write"])
def test_staff_cannot_hold_tokens(scope, caseworker):
    from sms.core.exceptions import DomainError

    with pytest.raises(DomainError):
        token_for(caseworker, scope=scope)
