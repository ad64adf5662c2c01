"""Home Office helpdesk: find a user; unlock, reactivate, deactivate, resend an activation link."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from sms.accounts import selectors, services
from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.core.exceptions import DomainError


class LockedAccountsView(PolicyMixin, TemplateView):
    action = Action.UNLOCK_ACCOUNT
    template_name = "accounts/homeoffice/locked_accounts.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:320]
        found = selectors.account_for_staff_search(query=query)
        return {
            **super().get_context_data(**kwargs),
            "locked": selectors.locked_accounts(),
            "query": query,
            "found": found,
            "found_status": selectors.account_status(found) if found else "",
        }


class UnlockAccountView(PolicyMixin, View):
    action = Action.UNLOCK_ACCOUNT
    http_method_names = ["post"]

    def post(self, request, user_id):
        user = selectors.get_user_for_staff(user_id=user_id)
        services.account_unlock(actor=request.user, user=user)
        messages.success(request, f"{user.email} can sign in again")
        return redirect("accounts:locked_accounts")


class ReactivateAccountView(PolicyMixin, View):
    action = Action.UNLOCK_ACCOUNT
    http_method_names = ["post"]

    def post(self, request, user_id):
        user = selectors.get_user_for_staff(user_id=user_id)
        try:
            services.account_reactivate(actor=request.user, user=user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{user.email} can sign in again. We have emailed them")
        return redirect(f"{reverse('accounts:locked_accounts')}?q={user.user_id}")


class AccountActionView(PolicyMixin, View):
    """A button on the find-a-user page: calls one helpdesk service, then shows the user again."""

    action = Action.UNLOCK_ACCOUNT
    http_method_names = ["post"]
    service = None
    done = ""

    def post(self, request, user_id):
        user = selectors.get_user_for_staff(user_id=user_id)
        try:
            type(self).service(actor=request.user, user=user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.done.format(email=user.email))
        return redirect(f"{reverse('accounts:locked_accounts')}?q={user.user_id}")


class DeactivateAccountView(AccountActionView):
    service = services.account_deactivate
    done = "{email} can no longer sign in"


class ResendActivationView(AccountActionView):
    service = services.account_activation_resend
    done = "We have emailed {email} a new activation link"
