"""The pages where a Level 1 user creates, lists and revokes API tokens."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.api import selectors, services
from sms.api.forms import TokenForm
from sms.core.exceptions import DomainError
from sms.web.formviews import ServiceFormView


class TokenListView(PolicyMixin, TemplateView):
    action = Action.MANAGE_API_TOKENS
    template_name = "api/tokens.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "tokens": selectors.tokens_for_user(user=self.request.user)[:200],
        }


class TokenCreateView(ServiceFormView):
    """Create a token for yourself; the token is shown once, on the page that answers the form."""

    action = Action.MANAGE_API_TOKENS
    form_class = TokenForm
    title = "Create an API token"
    intro = (
        "A system that has the token acts as you: it may see and do what you may, for your sponsor only. "
        "You will see the token once, on the next page."
    )
    button_text = "Create token"

    def get_back_url(self):
        return reverse("api:tokens")

    def form_valid(self, form):
        try:
            token, secret = services.api_token_create(
                actor=self.request.user, user=self.request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        # Rendered, not redirected: the secret is never stored, so it cannot be shown on a later page.
        return render(self.request, "api/token_created.html", {"token": token, "secret": secret})


class TokenRevokeView(PolicyMixin, TemplateView):
    action = Action.MANAGE_API_TOKENS
    template_name = "api/token_revoke.html"

    def load(self, request, *args, **kwargs):
        self.token = selectors.token_for_user(user=request.user, uuid=kwargs["uuid"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "token": self.token}

    def post(self, request, *args, **kwargs):
        try:
            services.api_token_revoke(actor=request.user, token=self.token)
        except DomainError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, f"Token revoked: {self.token.name}. Systems using it can no longer connect.")
        return redirect("api:tokens")
