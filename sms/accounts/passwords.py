"""Password rules with messages in GOV.UK style: what is wrong and how to fix it."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"Password must be {self.min_length} characters or more", code="password_too_short")

    def get_help_text(self):
        return f"Your password must be {self.min_length} characters or more."


class NotSimilarToUserValidator(password_validation.UserAttributeSimilarityValidator):
    DEFAULT_USER_ATTRIBUTES = ("email", "given_name", "family_name")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as error:
            raise ValidationError(
                "Password must not be like your name or email address", code="password_too_similar"
            ) from error

    def get_help_text(self):
        return "It must not be like your name or email address."


class NotCommonValidator(password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as error:
            raise ValidationError(
                "Password is too easy to guess: choose one that is not a common password",
                code="password_too_common",
            ) from error

    def get_help_text(self):
        return "It must not be a commonly used password."


class NotAllNumbersValidator(password_validation.NumericPasswordValidator):
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError(
                "Password must include letters or symbols, not only numbers",
                code="password_entirely_numeric",
            )

    def get_help_text(self):
        return "It must not be only numbers."
