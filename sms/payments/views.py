"""The sandbox provider's pay page (the demo's stand-in for GOV.UK Pay's own pages), and the two
steps every fee's journey shares: start a payment, and confirm it on the payer's return.

Like GOV.UK Pay's page, the sandbox page is reached by the unguessable payment link alone; what the
payer chooses there only changes the sandbox's record: the service learns the outcome by asking the
provider when the payer returns. With another provider configured the page does not exist.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.payments.models import SandboxPayment
from sms.payments.providers import UNFINISHED_STATES, SandboxProvider

CHOICES = {"pay": "success", "decline": "failed", "cancel": "cancelled"}


class SandboxPayView(PolicyMixin, TemplateView):
    action = Action.PUBLIC
    template_name = "payments/sandbox_pay.html"

    def load(self, request, *args, **kwargs):
        if SandboxProvider.name != settings.PAYMENT_PROVIDER:
            raise Http404
        self.held = get_object_or_404(SandboxPayment, provider_id=kwargs["provider_id"])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "held": self.held,
            "amount": format_pounds(self.held.amount_pence),
            "finished": self.held.state not in UNFINISHED_STATES,
        }

    def post(self, request, *args, **kwargs):
        state = CHOICES.get(request.POST.get("choice", ""))
        if state and self.held.state in UNFINISHED_STATES:
            SandboxPayment.objects.filter(pk=self.held.pk, state__in=UNFINISHED_STATES).update(state=state)
        return redirect(self.held.return_url)


class FeePayView(PolicyMixin, View):
    """Start paying a fee and send the payer to the provider's page (POST only).

    Subclasses load what the fee is for in ``load`` and implement ``start_payment(return_url)`` (the
    app's service, which asks the policy), ``return_url()`` (the path of their return view) and
    ``detail_url()`` (where the payer goes back to when the payment cannot start).
    """

    http_method_names = ["post"]

    def start_payment(self, return_url: str):
        raise NotImplementedError

    def detail_url(self) -> str:
        raise NotImplementedError

    def return_url(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            payment = self.start_payment(request.build_absolute_uri(self.return_url()))
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(self.detail_url())
        return redirect(payment.next_url)


class FeePaymentReturnView(PolicyMixin, View):
    """Where the provider sends the payer back: the outcome is asked of the provider, never read from
    the address, and the payer is told it on the page the fee is for.

    Subclasses implement ``confirm_payment()`` (None when there is no payment), ``detail_url()`` and
    ``still_due()`` (what the payer is told when the payment did not complete).
    """

    http_method_names = ["get"]

    def confirm_payment(self):
        raise NotImplementedError

    def detail_url(self, payment) -> str:
        raise NotImplementedError

    def still_due(self) -> str:
        return "The fee has not been paid: you can try again."

    def get(self, request, *args, **kwargs):
        try:
            payment = self.confirm_payment()
        except DomainError as error:
            messages.error(request, f"We could not check your payment: {error}")
            payment = None
        payment_outcome_tell(request, payment, still_due=self.still_due())
        return redirect(self.detail_url(payment))


def payment_outcome_tell(request, payment, *, still_due: str) -> None:
    """The message the payer sees on return: paid (with the amount and reference), not completed
    (and why, with what is still due), or not finished yet."""
    if payment is None:
        return
    if payment.is_paid:
        messages.success(
            request, f"Payment received: {format_pounds(payment.amount_pence)}, reference {payment.reference}"
        )
    elif payment.is_finished:
        messages.warning(
            request, f"Your payment was not completed ({payment.get_status_display().lower()}). {still_due}"
        )
    else:
        messages.warning(request, "Your payment has not finished yet. Check again in a few minutes.")
