"""Sign-in guards that run on every request: inactivity timeout, multi-factor authentication, access rules."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from sms.accounts.access import sign_in_refusal
from sms.accounts.services import confirmed_totp_device
from sms.audit import services as audit
from sms.audit.models import Verb

LAST_ACTIVITY_KEY = "last_activity"


class InactivityTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_TIMEOUT seconds without a request.

    The page's timeout warning (GOV.UK pattern) calls the extend-session endpoint to keep going;
    without JavaScript the server still ends the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and time.time() - last > settings.SESSION_IDLE_TIMEOUT:
                user = request.user
                audit.record(actor=user, verb=Verb.SIGNED_OUT_INACTIVE, target=user)
                request.signed_out_for_inactivity = True
                logout(request)
                return redirect(f"{reverse('accounts:sign_in')}?timeout=1")
        response = self.get_response(request)
        # After the view, so the request that signs a person in starts their clock. A request
        # authenticated without a session (an API token) has no clock and must not start one.
        if request.user.is_authenticated and not getattr(request, "sessionless", False):
            request.session[LAST_ACTIVITY_KEY] = time.time()
        return response


class MultiFactorMiddleware:
    """Hold a signed-in person at the security-code step until they pass it.

    A person with an authenticator app must enter a code each sign-in. Where MFA is required
    (production), a person without one must set it up first. Views that are part of those steps
    carry ``mfa_step = True``; public views are never held.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if getattr(view_func, "mfa_step", False) or not getattr(view_func, "login_required", True):
            return None
        if confirmed_totp_device(user) is not None:
            return redirect("accounts:mfa_verify")
        if settings.MFA_REQUIRED:
            return redirect("accounts:mfa_setup")
        return None


class SignInAccessMiddleware:
    """End the session of a person who may no longer sign in (an ended licence), and tell them why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = sign_in_refusal(request.user)
            if reason:
                logout(request)
                messages.error(request, reason)
                return redirect("accounts:sign_in")
        return self.get_response(request)
