"""Forms for signing in and managing one's own account. Messages follow GOV.UK style."""

from django import forms
from django.contrib.auth import authenticate, password_validation

from sms.accounts.services import sign_in_check
from sms.core.emails import CanonicalEmailField
from sms.core.forms import EMAIL_LENGTH, PASSWORD_LENGTH, GovukForm

PASSWORD_ATTRS = {"autocomplete": "current-password", "spellcheck": "false"}
NEW_PASSWORD_ATTRS = {"autocomplete": "new-password", "spellcheck": "false"}


class SignInForm(GovukForm):
    """Email and password; authenticates through django-axes so failures count towards lockout."""

    email = CanonicalEmailField(
        label="Email address",
        max_length=EMAIL_LENGTH,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=PASSWORD_LENGTH,
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs=PASSWORD_ATTRS),
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            self.user = authenticate(self.request, email=email, password=password)
            if self.user is None:
                # When the account is locked, django-axes replaces this page with the lockout page.
                raise forms.ValidationError("Enter a correct email address and password", code="invalid_login")
            refusal = sign_in_check(user=self.user)
            if refusal:
                raise forms.ValidationError(refusal, code="sign_in_refused")
        return cleaned


class SecurityCodeForm(GovukForm):
    """A 6-digit code from the authenticator app (or, at sign-in, a recovery code)."""

    code = forms.CharField(
        label="Security code",
        max_length=20,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )


class NewPasswordForm(GovukForm):
    """Choose a password (activation, reset, change): checked against the password rules."""

    new_password = forms.CharField(
        label="New password",
        max_length=PASSWORD_LENGTH,
        strip=False,
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs=NEW_PASSWORD_ATTRS),
    )
    confirm_password = forms.CharField(
        label="Confirm new password",
        max_length=PASSWORD_LENGTH,
        strip=False,
        error_messages={"required": "Confirm your new password"},
        widget=forms.PasswordInput(attrs=NEW_PASSWORD_ATTRS),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = " ".join(password_validation.password_validators_help_texts())

    def clean_new_password(self):
        password = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password"), cleaned.get("confirm_password")
        if first and second and first != second:
            self.add_error("confirm_password", "The passwords do not match")
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    """As NewPasswordForm, after checking the current password."""

    current_password = forms.CharField(
        label="Current password",
        max_length=PASSWORD_LENGTH,
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs=PASSWORD_ATTRS),
    )
    field_order = ["current_password", "new_password", "confirm_password"]

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your current password is not right")
        return password


class PasswordResetRequestForm(GovukForm):
    email = CanonicalEmailField(
        label="Email address",
        max_length=EMAIL_LENGTH,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
