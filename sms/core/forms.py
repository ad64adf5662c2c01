"""Form plumbing shared by every app: GOV.UK rendering through crispy-forms-gds."""

import re
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import ErrorDict

from sms.core.limits import DATE_RANGE, MAX_POUNDS, MAX_WEEKLY_HOURS, DatabaseCheck, date_in_range
from sms.core.uploads import validate_upload

# How much text a field takes: every CharField states its limit, at most the column it writes.
SHORT_TEXT = 500
NOTE_TEXT = 5000
LONG_TEXT = 20000
EMAIL_LENGTH = 254  # Django's EmailField column
PASSWORD_LENGTH = 1000  # hashed, never stored; a long passphrase is welcome, a megabyte is not


class GovukFormMixin:
    """Render with the GOV.UK template pack; the page template owns the <form> tag and buttons.
    Text over a field's limit is refused in GOV.UK words ("... must be 150 characters or less")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def full_clean(self):
        self.length_messages()
        super().full_clean()

    def length_messages(self):
        for field in self.fields.values():  # fields added after __init__ included
            if getattr(field, "max_length", None) and "max_length" not in field.error_messages:
                label = str(field.label or "This").removesuffix(" (optional)")
                field.error_messages["max_length"] = f"{label} must be {field.max_length:,} characters or less"


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
        "validators": [DateInRange(label)],
    }


class DateInRange:
    """A typed date between 1900 and 2100 (``sms.core.limits``), so no date arithmetic overflows."""

    def __init__(self, label: str):
        self.label = str(label).removesuffix(" (optional)")

    def __call__(self, value):
        if not date_in_range(value):
            raise forms.ValidationError(f"{self.label} must be between {DATE_RANGE}")

    def __eq__(self, other):
        return isinstance(other, DateInRange) and other.label == self.label


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


MONEY_EXAMPLE = "41700"


def _label(field: forms.Field) -> str:
    return str(field.label or "The amount").removesuffix(" (optional)")


class MoneyField(forms.CharField):
    """An amount in pounds ("41,700", "£41,700.50"), cleaned to whole pence. Refuses anything that is
    not a finite amount of at most 2 decimal places between 0 and ``max_pounds``."""

    def __init__(self, *args, max_pounds: int = MAX_POUNDS, **kwargs):
        self.max_pounds = max_pounds
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"})
        )
        super().__init__(*args, **kwargs)
        # The length is checked on the text typed (``to_python``); the cleaned value is a number.
        self.validators = [v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)]

    def prepare_value(self, value):
        if isinstance(value, int):
            pounds, pence = divmod(value, 100)
            return f"{pounds}.{pence:02d}" if pence else str(pounds)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", None):
            return None
        label = _label(self)
        if self.max_length is not None and len(value) > self.max_length:
            raise forms.ValidationError(f"{label} must be an amount in pounds, like {MONEY_EXAMPLE}")
        try:
            amount = Decimal(value.replace(",", "").replace("£", "").strip())
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount.as_tuple().exponent < -2:
            raise forms.ValidationError(f"{label} must be an amount in pounds, like {MONEY_EXAMPLE}")
        if amount < 0:
            raise forms.ValidationError(f"{label} must be £0 or more")
        if amount > self.max_pounds:
            raise forms.ValidationError(f"{label} must be £{self.max_pounds:,} or less")
        return int(amount * 100)


class HoursField(forms.DecimalField):
    """Hours a week: more than 0 and at most 168, to a tenth of an hour."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 4)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault(
            "widget", forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "step": "0.5"})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        label = _label(self)
        try:
            hours = super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(f"{label} must be a number, like 37.5") from None
        if hours is None:
            return None
        if not hours.is_finite():
            raise forms.ValidationError(f"{label} must be a number, like 37.5")
        if not 0 < hours <= MAX_WEEKLY_HOURS:
            raise forms.ValidationError(f"{label} must be more than 0 and no more than {MAX_WEEKLY_HOURS}")
        if hours.as_tuple().exponent < -self.decimal_places:
            raise forms.ValidationError(f"{label} must have at most {self.decimal_places} decimal place, like 37.5")
        return hours


class FormRows:
    """A model form built once and run on every row of a file (an import), each row checked as the
    form checks one submission: each field's own rules (the form field, then the form's
    ``clean_<name>``), the form's rules across fields (``clean``), then the model fields' rules on
    what the form accepted (as ``ModelForm`` does). The form, its fields and their choices are built
    once, not once a row; and a form field or a model field judges a value on its own, so each
    distinct value of a column is judged once per file (a file's routes, occupations, dates and
    salaries repeat), while ``clean_<name>`` and ``clean`` run on every row.

    For forms of plain values: no file or relation fields, none disabled, no unique model field,
    and a model whose own ``clean`` and constraints add nothing (``DatabaseCheck``s are the
    database's). The certificate import's tests hold its answers equal to the form's own.
    """

    REMEMBERED = 1000

    def __init__(self, form: forms.ModelForm):
        model, meta = form._meta.model, form._meta
        # The model fields ModelForm validates: those of its Meta (a field the form declares beyond
        # them is the form's alone).
        model_fields = {
            field.name: field
            for field in model._meta.fields
            if (not meta.fields or field.name in meta.fields) and field.name not in (meta.exclude or ())
        }
        if (
            model.clean is not models.Model.clean
            or any(not isinstance(constraint, DatabaseCheck) for constraint in model._meta.constraints)
            or any(
                isinstance(field, (forms.FileField, forms.ModelChoiceField)) or field.disabled
                for field in form.fields.values()
            )
            or any(field.unique for name, field in model_fields.items() if name in form.fields)
        ):
            raise TypeError(f"{type(form).__name__} is not a form of plain values")
        if isinstance(form, GovukFormMixin):
            form.length_messages()
        self.form = form
        # Per field: its name in the data, how its widget reads it, its form and model rules, and
        # what each has made of the values seen so far.
        self.fields = [
            (
                name,
                form.add_prefix(name),
                field.widget.value_from_datadict,
                field.clean,
                getattr(form, f"clean_{name}", None),
                {},
                model_fields[name].clean if name in model_fields else None,
                field.empty_values
                if model_fields.get(name) and (model_fields[name].blank or not field.required)
                else (),
                {},
            )
            for name, field in form.fields.items()
        ]

    @staticmethod
    def _judged(cache: dict, clean, *args):
        """(True, the cleaned value) or (False, the ValidationError): once per distinct value, for
        the first ``REMEMBERED`` values of a field (a column of names or passport numbers is all
        distinct values: remembering them would only cost memory)."""
        try:
            return cache[args[0]]
        except KeyError:
            pass
        except TypeError:  # not hashable: judged every time
            cache = {}
        try:
            outcome = (True, clean(*args))
        except ValidationError as error:
            outcome = (False, error)
        if len(cache) < FormRows.REMEMBERED:
            cache[args[0]] = outcome
        return outcome

    def check(self, data: dict) -> tuple[dict, dict]:
        """(the cleaned values, {field: errors}) of one row, given as the form's data."""
        form, judged = self.form, self._judged
        form.data, form.is_bound = data, True
        cleaned = form.cleaned_data = {}
        errors = form._errors = ErrorDict()
        for name, key, read, clean, clean_method, cache, _, _, _ in self.fields:
            ok, result = judged(cache, clean, read(data, form.files, key))
            if not ok:
                form.add_error(name, result)
                continue
            cleaned[name] = result
            if clean_method is not None:
                try:
                    cleaned[name] = clean_method()
                except ValidationError as error:
                    form.add_error(name, error)
        form._clean_form()
        cleaned, model_errors = form.cleaned_data, {}
        for name, _, _, _, _, _, model_clean, unchecked_when, cache in self.fields:
            # What ModelForm._get_validation_exclusions leaves to Model.clean_fields.
            if model_clean is None or name not in cleaned or name in errors:
                continue
            value = cleaned[name]
            if value in unchecked_when:
                continue
            ok, result = judged(cache, model_clean, value, None)
            if ok:
                cleaned[name] = result
            else:
                model_errors[name] = result.error_list
        if model_errors:
            form._update_errors(ValidationError(model_errors))
        return form.cleaned_data, form._errors
