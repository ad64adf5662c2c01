"""Forms for certificates and allocations. Money is typed in pounds and stored in pence."""

import re

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from sms.certificates.allocation_rules import RequestOptions
from sms.certificates.models import AllocationRequest, Category, Certificate, SalaryOption
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.core.forms import LONG_TEXT, NOTE_TEXT, GovukForm, GovukFormMixin, HoursField, MoneyField, uk_date_field
from sms.core.models import FeeRate
from sms.core.selectors import fee_amount
from sms.licensing.models import Route

# Two letters, six digits and a suffix A-D (spaces are ignored).
NI_NUMBER = re.compile(r"^[A-Z]{2}\d{6}[A-D]$")


class CertificateForm(GovukFormMixin, forms.ModelForm):
    """Every field of a CoS or CAS (domain.md section 3). Only the family name is needed to save a
    draft; the assignment rules check the rest."""

    date_of_birth = uk_date_field("Date of birth", example="17/5/1990")
    passport_issue_date = uk_date_field("Passport issue date", example="1/2/2020")
    passport_expiry_date = uk_date_field("Passport expiry date", example="1/2/2030")
    start_date = uk_date_field("Start date", example="4/1/2027")
    end_date = uk_date_field("End date", example="3/1/2030")
    salary_pence = MoneyField(label="Gross annual salary (£)", required=False)
    allowances_pence = MoneyField(label="Allowances per year (£, optional)", required=False)
    weekly_hours = HoursField(label="Weekly working hours", required=False)
    salary_option = forms.ChoiceField(
        label="Which salary option applies? (Skilled Worker)",
        required=False,
        choices=SalaryOption.choices,
        initial=SalaryOption.STANDARD,
        widget=forms.RadioSelect,
        help_text="The discounted options lower the salary needed; the worker must meet the option's conditions.",
        error_messages={"invalid_choice": "Salary option must be one of the options listed, like standard"},
    )
    route = forms.ChoiceField(
        label="Route",
        required=False,
        choices=[("", "Select a route"), *Route.choices],
        error_messages={"invalid_choice": "Route must be one of the routes listed, like skilled_worker"},
    )

    class Meta:
        model = Certificate
        fields = [
            "family_name", "given_names", "nationality", "date_of_birth", "place_of_birth", "country_of_birth",
            "gender", "country_of_residence", "passport_number", "passport_issue_date", "passport_expiry_date",
            "home_address", "ni_number", "employee_number", "route", "is_extension", "switching_from_student",
            "job_title", "soc_code", "job_summary", "salary_pence", "allowances_pence", "weekly_hours",
            "salary_option", "start_date", "end_date", "work_address", "other_work_sites",
        ]  # fmt: skip
        labels = {
            "family_name": "Family name",
            "given_names": "Given names",
            "ni_number": "National Insurance number (optional)",
            "employee_number": "Employee number (optional)",
            "is_extension": "This extends the sponsorship of someone we already sponsor",
            "switching_from_student": "The applicant is switching from the Student route",
            "job_title": "Job title (or course title for a CAS)",
            "soc_code": "SOC 2020 occupation code",
            "weekly_hours": "Weekly working hours",
            "work_address": "Main work address",
            "other_work_sites": "Other work sites (optional)",
        }
        help_texts = {"soc_code": "4 digits, for example 2134 for software developers"}
        widgets = {
            "home_address": forms.Textarea(attrs={"rows": 3}),
            "job_summary": forms.Textarea(attrs={"rows": 4}),
            "work_address": forms.Textarea(attrs={"rows": 3}),
            "other_work_sites": forms.Textarea(attrs={"rows": 3}),
            "soc_code": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
        }

    def __init__(self, *args, routes_held=None, **kwargs):
        """``routes_held``: the licence's routes, the only ones a page offers (a draft keeps its own)."""
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()  # one day for every row a form checks (an import's file)
        for name, field in self.fields.items():
            field.required = name == "family_name"
            if isinstance(field, forms.CharField) and field.max_length is None:  # TextField columns
                field.max_length = NOTE_TEXT
                field.validators.append(MaxLengthValidator(NOTE_TEXT))
        self.fields["family_name"].error_messages["required"] = "Enter the worker's family name to save a draft"
        if routes_held is not None:
            offered = set(routes_held) | ({self.instance.route} if self.instance.route else set())
            self.fields["route"].choices = [("", "Select a route")] + [
                (value, label) for value, label in Route.choices if value in offered
            ]
            if len(offered) == 1 and not self.instance.route:
                self.initial.setdefault("route", next(iter(offered)))

    def clean_salary_option(self):
        return self.cleaned_data.get("salary_option") or SalaryOption.STANDARD

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born >= self.today:
            raise forms.ValidationError("Date of birth must be in the past")
        return born

    def clean_passport_issue_date(self):
        issued = self.cleaned_data.get("passport_issue_date")
        if issued and issued > self.today:
            raise forms.ValidationError("Passport issue date must be today or in the past")
        return issued

    def clean_ni_number(self):
        number = re.sub(r"\s", "", self.cleaned_data.get("ni_number") or "").upper()
        if number and not NI_NUMBER.match(number):
            raise forms.ValidationError(
                "National Insurance number must be 2 letters, 6 numbers and A, B, C or D, like QQ 12 34 56 C"
            )
        return number

    def clean(self):
        cleaned = super().clean()
        born, issued, expires = (
            cleaned.get("date_of_birth"),
            cleaned.get("passport_issue_date"),
            cleaned.get("passport_expiry_date"),
        )
        if issued and expires and expires <= issued:
            self.add_error("passport_expiry_date", "Passport expiry date must be after the passport issue date")
        if born and issued and issued < born:
            self.add_error("passport_issue_date", "Passport issue date must be after the date of birth")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "End date must be the same as or after the start date")
        return cleaned

    def clean_soc_code(self):
        code = (self.cleaned_data.get("soc_code") or "").strip()
        if code and not (len(code) == 4 and code.isdigit()):
            raise forms.ValidationError("SOC 2020 occupation code must be 4 digits, like 2134")
        return code


class DefinedCosForm(CertificateForm):
    """A defined CoS is for the Skilled Worker route, for someone applying from outside the UK."""

    class Meta(CertificateForm.Meta):
        fields = [
            name
            for name in CertificateForm.Meta.fields
            if name not in ("route", "is_extension", "switching_from_student")
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["route"]


class ReasonForm(GovukForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, label="Reason", message="Enter the reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = message


class NoteForm(GovukForm):
    note = forms.CharField(
        label="Add a sponsor note",
        help_text=(
            "For example, a corrected address. Significant errors (wrong SOC code, route or identity) "
            "need a new certificate."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter the note"},
    )


def count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={
            "min_value": f"{label} cannot be negative",
            "max_value": f"{label} can be at most %(limit_value)s",
            "invalid": f"{label} must be a whole number",
        },
    )


class AllocationRequestForm(GovukForm):
    kind = forms.ChoiceField(
        label="What are you asking for?",
        choices=AllocationRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is an increase or next year's allocation"},
    )
    worker = count_field(Category.WORKER.label)
    temporary_worker = count_field(Category.TEMPORARY_WORKER.label)
    student = count_field(Category.STUDENT.label)
    justification = forms.CharField(
        label="Why do you need them?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=LONG_TEXT,
        error_messages={"required": "Explain why you need the certificates"},
    )
    named_individuals = forms.CharField(
        label="Named individuals (optional)",
        help_text="People you already plan to sponsor, one per line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
    )
    priority = forms.BooleanField(label="Use the priority service (decision in 5 working days)", required=False)

    def __init__(self, *args, options: RequestOptions, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the categories of routes the licence holds (domain.md section 4).
        self.categories = options.categories
        for name in Category.values:
            if name not in self.categories:
                del self.fields[name]
        if not options.priority_categories:
            del self.fields["priority"]
            return
        if options.priority_categories != self.categories:
            labels = " and ".join(Category(name).label for name in options.priority_categories)
            self.fields["priority"].help_text = f"Only for {labels}."
        # The fee in force today, from the fee table (the service charges the same figure on submission).
        try:
            fee = fee_amount(kind=FeeRate.Kind.ALLOCATION_PRIORITY, sponsor_size="", on=timezone.localdate())
        except DomainError:
            return
        label = f"Use the priority service (decision in 5 working days, fee {format_pounds(fee)})"
        self.fields["priority"].label = label

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.categories and not any(cleaned.get(name) for name in self.categories):
            self.add_error(self.categories[0], "Enter how many certificates you need in at least one category")
        return cleaned

    def requested(self) -> dict[str, int]:
        return {name: self.cleaned_data.get(name) or 0 for name in self.categories}


class AllocationDecisionForm(GovukForm):
    reason = forms.CharField(
        label="Reasons (needed when granting less than requested)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT,
        required=False,
    )

    def __init__(self, *args, requested: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for category, number in requested.items():
            field = count_field(f"{Category(category).label} to grant (requested {number})")
            field.initial = number
            field.max_value = number
            self.fields[category] = field
        self.order_fields([*requested, "reason"])
        self.requested = requested

    def clean(self):
        """The service refuses a partial grant without reasons; say so at the reasons box, where the
        error summary's link then leads (the service keeps the rule for every other caller)."""
        cleaned = super().clean()
        short = any(
            cleaned.get(category) is not None and cleaned[category] < number
            for category, number in self.requested.items()
        )
        if short and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter the reasons for refusing all or part of the request")
        return cleaned


class MarkUsedForm(GovukForm):
    visa_decision = forms.ChoiceField(
        label="Visa decision",
        choices=Certificate.VisaDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the visa decision"},
    )
    permission_start = uk_date_field("Permission valid from")
    permission_end = uk_date_field("Permission valid until")


class ImportForm(GovukForm):
    file_format = forms.ChoiceField(
        label="What are you uploading?",
        widget=forms.RadioSelect,
        choices=[
            ("csv", "Certificates of Sponsorship (CSV, from the template)"),
            ("xml", "CAS bulk data transfer (XML)"),
        ],
        error_messages={"required": "Select what you are uploading"},
    )
    upload = forms.FileField(
        label="File", error_messages={"required": "Select a file to upload", "empty": "The selected file is empty"}
    )
