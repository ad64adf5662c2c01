"""Administrators add next year's figures without a release; every change audited."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.models import User
from sms.audit.models import AuditEvent, Verb
from sms.certificates.models import SalaryThreshold
from sms.core.exceptions import DomainError
from sms.core.models import FeeRate
from sms.referencedata import services
from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

NEXT_YEAR = date.today() + timedelta(days=365)


@pytest.fixture
def administrator(db):
    return make_staff_user(role=User.StaffRole.ADMINISTRATOR, email="admin@ho.example")


def test_a_future_fee_is_added_and_audited(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("referencedata:fees"),
        {"kind": "allocation_priority", "sponsor_size": "", "amount": "250", "effective_from": NEXT_YEAR.isoformat()},
    )
    assert response.status_code == 302
    fee = FeeRate.objects.get(kind="allocation_priority", effective_from=NEXT_YEAR)
    assert fee.amount_pence == 25_000
    assert AuditEvent.objects.filter(verb=Verb.FEE_RATE_ADDED, actor=administrator).exists()


def test_a_fee_from_today_or_earlier_is_refused_on_the_page(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("referencedata:fees"),
        {"kind": "allocation_priority", "amount": "250", "effective_from": date.today().isoformat()},
    )
    assert "must be in the future" in response.content.decode()
    assert not FeeRate.objects.filter(effective_from=date.today(), kind="allocation_priority").exists()


def test_a_future_threshold_is_added(administrator):
    services.salary_threshold_add(
        actor=administrator,
        route="skilled_worker",
        general_threshold_pence=4_200_000,
        minimum_rqf_level=6,
        effective_from=NEXT_YEAR,
    )
    assert SalaryThreshold.objects.filter(route="skilled_worker", effective_from=NEXT_YEAR).exists()
    assert AuditEvent.objects.filter(verb=Verb.SALARY_THRESHOLD_ADDED).exists()


def test_a_caseworker_cannot_change_reference_data(caseworker):
    with pytest.raises(PermissionDenied):
        services.fee_rate_add(
            actor=caseworker, kind="allocation_priority", sponsor_size="", amount_pence=1, effective_from=NEXT_YEAR
        )


def test_an_invalid_publication_loads_nothing_and_says_why(client, administrator):
    client.force_login(administrator)
    upload = SimpleUploadedFile("next.json", b'{"effective_from": "not a date"}', content_type="application/json")
    response = client.post(reverse("referencedata:occupations"), {"publication": upload})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_the_current_publication_uploads_as_already_loaded(client, administrator):
    client.force_login(administrator)
    data = Path(services.__file__).parents[1] / "certificates" / "data"
    raw = (data / "appendix-skilled-occupations.json").read_bytes()
    response = client.post(
        reverse("referencedata:occupations"), {"publication": SimpleUploadedFile("p.json", raw)}, follow=True
    )
    assert "was already loaded" in response.content.decode()


def test_staff_users_are_created_with_a_role_and_their_role_changed(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("referencedata:staff"),
        {"given_name": "Cara", "family_name": "Oduya", "email": "cara@ho.example", "staff_role": "caseworker"},
    )
    assert response.status_code == 302
    cara = User.objects.get(email="cara@ho.example")
    assert cara.staff_role == "caseworker"
    response = client.post(
        reverse("referencedata:staff_role", kwargs={"user_id": cara.user_id}), {"staff_role": "compliance_officer"}
    )
    cara.refresh_from_db()
    assert cara.staff_role == "compliance_officer"
    event = AuditEvent.objects.get(verb=Verb.STAFF_ROLE_CHANGED)
    assert event.payload == {"before": "Caseworker", "after": "Compliance officer"}


def test_an_administrator_cannot_change_their_own_role(administrator):
    with pytest.raises(DomainError):
        services.staff_role_change(actor=administrator, user=administrator, staff_role="helpdesk")


def test_a_sponsor_user_has_no_staff_role_page(client, administrator, level_1):
    client.force_login(administrator)
    response = client.get(reverse("referencedata:staff_role", kwargs={"user_id": level_1.user_id}))
    assert response.status_code == 404
