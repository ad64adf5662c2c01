"""Form plumbing shared by every app: GOV.UK rendering through crispy-forms-gds."""

import re

from crispy_forms_gds.helper import FormHelper
from django import forms

from sms.core.uploads import validate_upload


class GovukFormMixin:
    """Render with the GOV.UK template pack; the page template owns the <form> tag and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class GovukForm(GovukFormMixin, forms.Form):
    """A plain form in GOV.UK style."""


def uk_date_field(label: str, required_message: str = "", *, example: str = "27/3/2026") -> forms.DateField:
    """A date typed as day/month/year (ISO accepted for links), with GOV.UK messages.

    Without ``required_message`` the field is optional.
    """
    return forms.DateField(**uk_date_options(label, required_message, example=example))


def uk_date_options(label: str, required_message: str = "", *, example: str = "27/3/2026") -> dict:
    """The arguments of ``uk_date_field``, for a django-filter DateFilter to build the same field."""
    return {
        "label": label,
        "required": bool(required_message),
        "help_text": f"For example, {example}",
        "input_formats": ["%d/%m/%Y", "%Y-%m-%d"],
        "widget": forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        "error_messages": {"required": required_message, "invalid": f"{label} must be a real date, like {example}"},
    }


PHONE_EXAMPLE = "01632 960 001, 07700 900 982 or +44 808 157 0192"
PHONE_PUNCTUATION = re.compile(r"[\s()\-.]")


class PhoneField(forms.CharField):
    """A telephone number: digits with spaces, brackets or hyphens, an optional leading +, and
    between 10 and 15 digits (a UK number has 10 or 11; E.164 allows 15). Stored as typed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "tel", "autocomplete": "tel"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        digits = PHONE_PUNCTUATION.sub("", value)
        digits = digits[1:] if digits.startswith("+") else digits
        label = str(self.label).removesuffix(" (optional)")
        if not digits.isdigit():
            raise forms.ValidationError(
                f"{label} must contain only numbers, spaces, brackets or hyphens, like {PHONE_EXAMPLE}"
            )
        if not 10 <= len(digits) <= 15:
            raise forms.ValidationError(f"{label} must be between 10 and 15 digits, like {PHONE_EXAMPLE}")
        return value


class DocumentField(forms.FileField):
    """An evidence file, checked by size and content (``validate_upload``) when one is given."""

    default_validators = [validate_upload]
