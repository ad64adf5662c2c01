"""Small helpers for driving the sign-in pages in tests."""

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("accounts:sign_in"), {"email": user.email, "password": password})


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app holding this device's key would show now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
