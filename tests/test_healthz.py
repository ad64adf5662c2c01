from unittest import mock

from django.db import OperationalError


def test_healthz_answers_200_when_the_database_is_reachable(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch("sms.portal.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_needs_no_sign_in(client, db):
    assert client.get("/healthz").status_code == 200
