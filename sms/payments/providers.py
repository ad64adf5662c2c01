"""Payment providers: one interface for every fee the service takes.

A provider creates a payment (amount in pence, reference, description, the URL to come back to)
and answers with its id and the page to send the payer to; asked later, it says the payment's state
in GOV.UK Pay's words: created, started, submitted, capturable (not finished), success, failed,
cancelled, error (finished).

- ``GovukPayProvider`` speaks GOV.UK Pay's REST API (``POST /v1/payments``, ``GET
  /v1/payments/{id}``, a Bearer API key).
- ``SandboxProvider`` keeps its payments in the database and has its own pay page in the service
  (``payments:sandbox_pay``), where the payer pays, is declined or cancels: the same journey for the
  demo. Like GOV.UK Pay, a payment left unfinished for 90 minutes fails.
"""

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sms.core.exceptions import DomainError
from sms.payments.models import SandboxPayment

UNFINISHED_STATES = frozenset({"created", "started", "submitted", "capturable"})
FINISHED_STATES = frozenset({"success", "failed", "cancelled", "error"})
KNOWN_STATES = UNFINISHED_STATES | FINISHED_STATES
ABANDONED_AFTER = timedelta(minutes=90)  # GOV.UK Pay expires an unfinished payment after 90 minutes


class PaymentProviderError(DomainError):
    """The provider could not be reached or gave an answer we cannot use."""


@dataclass(frozen=True)
class CreatedPayment:
    provider_id: str
    next_url: str
    state: str


class GovukPayProvider:
    name = "govuk_pay"
    unavailable = "The payment service is not available at the moment. Try again later: you have not been charged."

    def __init__(self, *, base_url: str, api_key: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (the URL is the configured GOV.UK Pay base)
            self.base_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read(1_000_000))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise PaymentProviderError(self.unavailable) from error

    def create(self, *, amount_pence: int, reference: str, description: str, return_url: str) -> CreatedPayment:
        answer = self._call(
            "POST",
            "/v1/payments",
            {"amount": amount_pence, "reference": reference, "description": description, "return_url": return_url},
        )
        try:
            return CreatedPayment(
                provider_id=str(answer["payment_id"]),
                next_url=answer["_links"]["next_url"]["href"],
                state=answer.get("state", {}).get("status", "created"),
            )
        except (KeyError, TypeError) as error:
            raise PaymentProviderError(self.unavailable) from error

    def state(self, provider_id: str) -> str:
        answer = self._call("GET", f"/v1/payments/{urllib.parse.quote(provider_id, safe='')}")
        try:
            state = answer["state"]["status"]
        except (KeyError, TypeError) as error:
            raise PaymentProviderError(self.unavailable) from error
        if state not in KNOWN_STATES:
            raise PaymentProviderError(self.unavailable)
        return state


class SandboxProvider:
    name = "sandbox"

    def create(self, *, amount_pence: int, reference: str, description: str, return_url: str) -> CreatedPayment:
        held = SandboxPayment.objects.create(
            provider_id=secrets.token_urlsafe(24),
            amount_pence=amount_pence,
            reference=reference,
            description=description,
            return_url=return_url,
        )
        return CreatedPayment(
            provider_id=held.provider_id,
            next_url=reverse("payments:sandbox_pay", args=[held.provider_id]),
            state=held.state,
        )

    def state(self, provider_id: str) -> str:
        held = SandboxPayment.objects.filter(provider_id=provider_id).first()
        if held is None:
            raise PaymentProviderError("The sandbox does not know this payment")
        if held.state in UNFINISHED_STATES and timezone.now() - held.created_at > ABANDONED_AFTER:
            return "failed"
        return held.state


def provider_named(name: str):
    """The provider a payment was made with (a payment is always confirmed where it was made)."""
    if name == GovukPayProvider.name:
        return GovukPayProvider(
            base_url=settings.GOVUK_PAY_URL,
            api_key=settings.GOVUK_PAY_API_KEY,
            timeout=settings.GOVUK_PAY_TIMEOUT_SECONDS,
        )
    if name == SandboxProvider.name:
        return SandboxProvider()
    raise PaymentProviderError(f"Unknown payment provider {name!r}")


def configured_provider():
    """The provider new payments use: settings.PAYMENT_PROVIDER."""
    return provider_named(settings.PAYMENT_PROVIDER)
