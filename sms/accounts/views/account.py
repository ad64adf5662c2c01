"""A person's own account, activation and password reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views import View
from django.views.generic import FormView, TemplateView

from sms.accounts import services
from sms.accounts.forms import ChangePasswordForm, NewPasswordForm, PasswordResetRequestForm
from sms.accounts.models import User
from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.accounts.tokens import activation_token_generator, password_reset_token_generator

UNLOCKED_SESSION_KEY = "password_reset_unlocked"


class AccountView(PolicyMixin, TemplateView):
    """Your account: user ID, role, sign-in security."""

    action = Action.MANAGE_OWN_ACCOUNT
    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "mfa_device": services.confirmed_totp_device(self.request.user),
        }


class ChangePasswordView(PolicyMixin, FormView):
    action = Action.MANAGE_OWN_ACCOUNT
    template_name = "accounts/change_password.html"
    form_class = ChangePasswordForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = services.password_change(user=self.request.user, new_password=form.cleaned_data["new_password"])
        # Keep this session signed in; other sessions of the account end with the old hash.
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "Your password has been changed")
        return redirect("accounts:account")


class _TokenLinkView(PolicyMixin, View):
    """A single-use link (activation or reset): shows the new-password form while the link is good."""

    action = Action.PUBLIC
    token_generator = None
    template_name = ""
    invalid_template_name = "accounts/link_invalid.html"

    def _user(self, uidb64: str, token: str) -> User | None:
        try:
            pk = int(force_str(urlsafe_base64_decode(uidb64)))
        except (TypeError, ValueError, OverflowError):
            return None
        user = User.objects.filter(pk=pk, is_active=True).first()
        if user is None or not self.token_generator.check_token(user, token):
            return None
        return user

    def get(self, request, uidb64, token):
        user = self._user(uidb64, token)
        if user is None:
            return render(request, self.invalid_template_name, status=404)
        return render(request, self.template_name, {"form": NewPasswordForm(user=user), "link_user": user})

    def post(self, request, uidb64, token):
        user = self._user(uidb64, token)
        if user is None:
            return render(request, self.invalid_template_name, status=404)
        form = NewPasswordForm(request.POST, user=user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "link_user": user})
        self.complete(user=user, password=form.cleaned_data["new_password"])
        return redirect(self.done_url)


class ActivateAccountView(_TokenLinkView):
    """Activation link for a new user: set the first password."""

    token_generator = activation_token_generator
    template_name = "accounts/activate.html"
    done_url = "accounts:activation_done"

    def complete(self, *, user, password):
        services.account_activate(user=user, password=password)


class PasswordResetConfirmView(_TokenLinkView):
    token_generator = password_reset_token_generator
    template_name = "accounts/password_reset_confirm.html"
    done_url = "accounts:password_reset_done"

    def complete(self, *, user, password):
        self.request.session[UNLOCKED_SESSION_KEY] = services.password_reset_complete(user=user, password=password)


class PasswordResetRequestView(PolicyMixin, FormView):
    action = Action.PUBLIC
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm

    def form_valid(self, form):
        services.password_reset_request(email=form.cleaned_data["email"])
        self.request.session["password_reset_email"] = form.cleaned_data["email"]
        return redirect("accounts:password_reset_sent")


class PasswordResetSentView(PolicyMixin, TemplateView):
    action = Action.PUBLIC
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "email": self.request.session.get("password_reset_email", ""),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }


class PasswordResetDoneView(PolicyMixin, TemplateView):
    """Says whether the reset also unlocked the account."""

    action = Action.PUBLIC
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "unlocked": self.request.session.pop(UNLOCKED_SESSION_KEY, False)}


class ActivationDoneView(PolicyMixin, TemplateView):
    action = Action.PUBLIC
    template_name = "accounts/activation_done.html"
