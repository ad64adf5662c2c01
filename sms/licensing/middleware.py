"""End the session of a sponsor user whose organisation's licence has ended while they were signed in."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from sms.licensing.selectors import licence_ended_message


class LicenceAccessMiddleware:
    """Revoked, surrendered or expired licence: the sponsor's users are signed out and told why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_sponsor_user:
            message = licence_ended_message(user)
            if message:
                logout(request)
                messages.error(request, message)
                return redirect("accounts:sign_in")
        return self.get_response(request)
