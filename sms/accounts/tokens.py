"""Single-use, expiring links for account activation and password reset.

Django's token generator hashes the user's password hash and last sign-in into the token, so a link
stops working as soon as it has been used to set a password. Activation links get their own salt
(a reset link cannot activate) and their own lifetime.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the link that lets a new user set their first password."""

    key_salt = "sms.accounts.tokens.ActivationTokenGenerator"

    def check_token(self, user, token) -> bool:
        """As Django's check, but against ACCOUNT_ACTIVATION_TIMEOUT instead of the reset timeout."""
        if not (user and token):
            return False
        try:
            timestamp_b36, _ = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - timestamp) <= settings.ACCOUNT_ACTIVATION_TIMEOUT


activation_token_generator = ActivationTokenGenerator()
password_reset_token_generator = PasswordResetTokenGenerator()
