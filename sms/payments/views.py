"""The sandbox provider's pay page: the demo's stand-in for GOV.UK Pay's own pages.

Like GOV.UK Pay's page it is reached by the unguessable payment link alone, and what the payer
chooses here only changes the sandbox's record: the service learns the outcome by asking the
provider when the payer returns. With another provider configured the page does not exist.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
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
