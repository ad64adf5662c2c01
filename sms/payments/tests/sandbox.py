"""Paying through the built-in sandbox provider in tests: what the payer's choice on the sandbox pay
page does, then the service's confirmation with the provider (as on the payer's return)."""

from sms.payments.models import Payment, SandboxPayment
from sms.payments.services import payment_confirm

RETURN_URL = "https://sms.example/payment-return/"


def sandbox_finish(payment: Payment, state: str = "success") -> Payment:
    """The payer pays (``success``), is declined (``failed``) or cancels (``cancelled``) on the
    sandbox's page; the service then confirms the payment with the provider."""
    SandboxPayment.objects.filter(provider_id=payment.provider_id).update(state=state)
    return payment_confirm(payment=payment)


def sandbox_choose(client, response, choice: str = "pay"):
    """A payer sent to the sandbox's pay page (``response`` redirects there) pays (``pay``), is
    declined (``decline``) or cancels (``cancel``), and follows the provider back to the service.
    Returns the service's answer to the return address."""
    assert response.status_code == 302, response
    pay_page = response["Location"]
    assert "/payments/sandbox/" in pay_page, pay_page
    assert client.get(pay_page).status_code == 200
    back = client.post(pay_page, {"choice": choice})
    return client.get(back["Location"])
