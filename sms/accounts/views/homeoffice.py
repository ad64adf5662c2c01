"""Home Office helpdesk: locked accounts and unlocking them."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from sms.accounts import selectors, services
from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action


class LockedAccountsView(PolicyMixin, TemplateView):
    action = Action.UNLOCK_ACCOUNT
    template_name = "accounts/homeoffice/locked_accounts.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "locked": selectors.locked_accounts()}


class UnlockAccountView(PolicyMixin, View):
    action = Action.UNLOCK_ACCOUNT
    http_method_names = ["post"]

    def post(self, request, user_id):
        user = selectors.get_user_for_staff(user_id=user_id)
        services.account_unlock(actor=request.user, user=user)
        messages.success(request, f"{user.email} can sign in again")
        return redirect("accounts:locked_accounts")
