"""Signing in and out: password, multi-factor step, lockout, inactivity timeout."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sms.accounts import services
from sms.accounts.forms import SecurityCodeForm, SignInForm
from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError

RECOVERY_CODES_SESSION_KEY = "recovery_codes_to_show"
ENROLMENT_DEVICE_SESSION_KEY = "mfa_enrolment_device"


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when an account is locked: the sign-in page with a clear message."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # An unbound form: validating it again would count another failure and add a second message.
    form = SignInForm(initial={"email": request.POST.get("email", "")}, request=request)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "locked_out": True, "lockout_minutes": minutes},
        status=429,
    )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(PolicyMixin, FormView):
    """Email and password. Three failures lock the account (django-axes)."""

    action = Action.PUBLIC
    template_name = "accounts/sign_in.html"
    form_class = SignInForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "timed_out": self.request.GET.get("timeout") == "1",
            "next": self.request.GET.get("next", ""),
            "timeout_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        }

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # AxesMiddleware replaces this response with `locked_out`.
            return HttpResponse(status=403)
        return super().form_invalid(form)

    def form_valid(self, form):
        login(self.request, form.user)
        return redirect(_safe_next(self.request))


class SignOutView(PolicyMixin, View):
    """Sign out (POST only, with CSRF). The timeout warning posts ``reason=timeout``."""

    action = Action.MANAGE_OWN_ACCOUNT
    mfa_step = True
    http_method_names = ["post"]

    def post(self, request):
        timed_out = request.POST.get("reason") == "timeout"
        if timed_out:
            # The warning ran out in the browser: record why, instead of a plain sign-out.
            audit.record(actor=request.user, verb=Verb.SIGNED_OUT_INACTIVE, target=request.user)
            request.signed_out_for_inactivity = True
        logout(request)
        return redirect(f"{reverse('accounts:signed_out')}{'?timeout=1' if timed_out else ''}")


class SignedOutView(PolicyMixin, TemplateView):
    action = Action.PUBLIC
    template_name = "accounts/signed_out.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "timed_out": self.request.GET.get("timeout") == "1",
            "timeout_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        }


class ExtendSessionView(PolicyMixin, View):
    """The timeout warning's "Stay signed in": any request resets the inactivity clock."""

    action = Action.MANAGE_OWN_ACCOUNT
    mfa_step = True
    http_method_names = ["post"]

    def post(self, request):
        return JsonResponse({"timeout_seconds": settings.SESSION_IDLE_TIMEOUT})


class MfaVerifyView(PolicyMixin, FormView):
    """The second step of signing in: a code from the app, or a recovery code."""

    action = Action.MANAGE_OWN_ACCOUNT
    mfa_step = True
    template_name = "accounts/mfa_verify.html"
    form_class = SecurityCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["code"].label = "Security code"
        form.fields[
            "code"
        ].help_text = "Enter the 6-digit code from your authenticator app, or one of your recovery codes"
        return form

    def form_valid(self, form):
        try:
            device = services.mfa_verify(user=self.request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", str(error))
            return self.form_invalid(form)
        if device is None:
            code = form.cleaned_data["code"]
            if services.mfa_code_already_used(user=self.request.user, code=code):
                message = (
                    "This code has already been used to sign in. Wait for your app to show a new code, then enter it"
                )
            else:
                message = "The security code is not right: enter the code your app shows now"
            form.add_error("code", message)
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(_safe_next(self.request))


def _qr_code_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


class MfaSetupView(PolicyMixin, FormView):
    """Set up an authenticator app: a QR code and the same key to type in, then one code to confirm."""

    action = Action.MANAGE_OWN_ACCOUNT
    mfa_step = True
    template_name = "accounts/mfa_setup.html"
    form_class = SecurityCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and services.confirmed_totp_device(request.user):
            messages.info(request, "Multi-factor authentication is already set up")
            return redirect("accounts:account")
        return super().dispatch(request, *args, **kwargs)

    def _device(self):
        device_id = self.request.session.get(ENROLMENT_DEVICE_SESSION_KEY)
        device = None
        if device_id:
            device = TOTPDevice.objects.filter(pk=device_id, user=self.request.user, confirmed=False).first()
        if device is None:
            device = services.mfa_enrolment_start(user=self.request.user)
            self.request.session[ENROLMENT_DEVICE_SESSION_KEY] = device.pk
        return device

    def get_context_data(self, **kwargs):
        device = self._device()
        key = base64.b32encode(device.bin_key).decode()
        return {
            **super().get_context_data(**kwargs),
            "qr_svg": _qr_code_svg(device.config_url),
            "manual_key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["code"].help_text = "Enter the 6-digit code your authenticator app shows"
        return form

    def form_valid(self, form):
        device = self._device()
        try:
            codes = services.mfa_enrolment_confirm(
                user=self.request.user, device=device, token=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code", str(error))
            return self.form_invalid(form)
        device.refresh_from_db()
        otp_login(self.request, device)
        self.request.session.pop(ENROLMENT_DEVICE_SESSION_KEY, None)
        self.request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect("accounts:recovery_codes")


class RecoveryCodesView(PolicyMixin, View):
    """Show new recovery codes once; POST replaces them with a fresh set."""

    action = Action.MANAGE_OWN_ACCOUNT

    def get(self, request):
        codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
        if not codes:
            return redirect("accounts:account")
        return render(request, "accounts/recovery_codes.html", {"codes": codes})

    def post(self, request):
        try:
            codes = services.recovery_codes_regenerate(user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("accounts:account")
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect("accounts:recovery_codes")
