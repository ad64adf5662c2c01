import pytest

from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.webhooks.models import EventType, WebhookDelivery
from sms.webhooks.services import webhook_endpoint_create


@pytest.fixture
def endpoint_at(sponsor, level_1):
    """Register an endpoint at ``url`` for ``events`` (default: every event); returns (endpoint, secret)."""

    def make(url, events=tuple(EventType.values)):
        return webhook_endpoint_create(
            actor=level_1, sponsor=sponsor, url=url, events=list(events), description="HR system"
        )

    return make


@pytest.fixture
def assign(sponsor, level_1):
    """Assign a new certificate (a certificate.status_changed event); returns the certificate."""
    give_allocation(sponsor)

    def make(family_name="Okoro"):
        return certificate_assign(certificate=draft(sponsor, level_1, family_name=family_name), actor=level_1)

    return make


def pending(endpoint) -> WebhookDelivery:
    return WebhookDelivery.objects.get(endpoint=endpoint)
