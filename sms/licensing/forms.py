"""Forms for applying for a licence and managing it. Error messages name the field, GOV.UK style."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from sms.accounts.models import SponsorSize
from sms.core.dates import Nation
from sms.core.emails import CanonicalEmailField
from sms.core.forms import EMAIL_LENGTH, DocumentField, GovukForm, PhoneField, uk_date_field
from sms.licensing.models import ROUTE_CATEGORY, KeyPersonRole, Route, RouteCategory, SponsorRequest

SAME_AS_AO = "authorising_officer"
SAME_AS_KC = "key_contact"
SOMEONE_ELSE = "someone_else"


class EffectiveDateMixin:
    """A change's effective date: today or earlier (a change is reported after it happens)."""

    def clean_effective_date(self):
        value = self.cleaned_data["effective_date"]
        if value > timezone.localdate():
            raise ValidationError("The date the change took effect must be today or in the past")
        return value


class OrganisationForm(GovukForm):
    name = forms.CharField(
        label="Organisation name",
        max_length=255,
        error_messages={"required": "Enter the organisation's name"},
    )
    registered_number = forms.CharField(
        label="Company or charity registration number (optional)",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )


class AddressesForm(GovukForm):
    registered_address = forms.CharField(
        label="Registered office address",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the registered office address"},
    )
    trading_address = forms.CharField(
        label="Trading address, if different (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SizeForm(GovukForm):
    size = forms.ChoiceField(
        label="What size is the organisation?",
        choices=SponsorSize.choices,
        widget=forms.RadioSelect,
        help_text="Small or charitable sponsors pay lower fees.",
        error_messages={"required": "Select the size of the organisation"},
    )


class RoutesForm(GovukForm):
    routes = forms.MultipleChoiceField(
        label="Which routes do you want to sponsor people on?",
        choices=Route.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one route"},
    )


class PersonForm(GovukForm):
    """A person named on the application, with their suitability declarations."""

    given_name = forms.CharField(label="Given names", max_length=150)
    family_name = forms.CharField(label="Family name", max_length=150)
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_LENGTH,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = PhoneField(label="Telephone number (optional)", required=False)
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)
    is_representative = forms.BooleanField(
        label="This person is a representative, such as a lawyer, acting for the organisation", required=False
    )
    declared_uk_based = forms.BooleanField(label="This person is based in the UK")
    declared_no_unspent_convictions = forms.BooleanField(
        label="This person has no unspent convictions for relevant offences"
    )
    declared_not_bankrupt = forms.BooleanField(label="This person is not an undischarged bankrupt")

    def __init__(self, *args, who: str = "the person", allow_representative: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in {
            "given_name": f"Enter {who}'s given names",
            "family_name": f"Enter {who}'s family name",
            "email": f"Enter {who}'s email address",
            "declared_uk_based": f"Confirm that {who} is based in the UK",
            "declared_no_unspent_convictions": f"Confirm that {who} has no unspent convictions for relevant offences",
            "declared_not_bankrupt": f"Confirm that {who} is not an undischarged bankrupt",
        }.items():
            self.fields[name].error_messages["required"] = message
        if not allow_representative:
            del self.fields["is_representative"]


class SamePersonForm(GovukForm):
    """Who holds a role: someone already named, or someone else."""

    who = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, label: str, options: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].label = label
        self.fields["who"].choices = [*options, (SOMEONE_ELSE, "Someone else")]
        self.fields["who"].error_messages["required"] = "Select who it is"


class DocumentUploadForm(GovukForm):
    document = DocumentField(
        label="Upload a file",
        help_text="A PDF, PNG, JPG or Word (DOCX) file, smaller than 10MB.",
        error_messages={"required": "Select a file to upload"},
    )
    description = forms.CharField(
        label="What is this document? (optional)",
        max_length=255,
        required=False,
        help_text="For example, latest audited accounts",
    )


class DeclarationForm(GovukForm):
    declaration = forms.BooleanField(
        label="I confirm that the information in this application is true and complete, and that the "
        "organisation will meet its sponsorship duties",
        error_messages={"required": "Confirm the declaration to submit the application"},
    )


class InformationReplyForm(GovukForm):
    reply = forms.CharField(
        label="Your reply", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000
    )
    document = DocumentField(label="Upload a document (optional)", required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("reply", "").strip() and not cleaned.get("document"):
            self.add_error("reply", "Enter a reply or upload a document")
        return cleaned


# Sponsor-side forms.


class Level2UserForm(GovukForm):
    given_name = forms.CharField(
        label="Given names", max_length=150, error_messages={"required": "Enter the user's given names"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=150, error_messages={"required": "Enter the user's family name"}
    )
    email = CanonicalEmailField(
        label="Email address",
        max_length=EMAIL_LENGTH,
        error_messages={
            "required": "Enter the user's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class KeyPersonForm(EffectiveDateMixin, PersonForm):
    """A replacement AO or KC, with the date the change took effect."""

    effective_date = uk_date_field("Date the change took effect", "Enter the date the change took effect")


class OrganisationDetailsForm(EffectiveDateMixin, GovukForm):
    name = forms.CharField(
        label="Organisation name",
        max_length=255,
        error_messages={"required": "Enter the organisation's name"},
    )
    registered_address = forms.CharField(
        label="Registered office address",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500,
        error_messages={"required": "Enter the registered office address"},
    )
    trading_address = forms.CharField(
        label="Trading address (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500,
        required=False,
    )
    effective_date = uk_date_field("Date the change took effect", "Enter the date the change took effect")


class WorkSiteForm(GovukForm):
    address = forms.CharField(
        label="Address of the work site",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500,
        error_messages={"required": "Enter the work site's address"},
    )
    opened_on = uk_date_field(
        "Date sponsored workers started working here", "Enter the date sponsored workers started working here"
    )


class WorkSiteCloseForm(GovukForm):
    closed_on = uk_date_field(
        "Date sponsored workers stopped working here", "Enter the date sponsored workers stopped working here"
    )


class RenewalForm(GovukForm):
    declaration = forms.BooleanField(
        label="I confirm the licence details are up to date and the organisation continues to meet its "
        "sponsorship duties",
        error_messages={"required": "Confirm the declaration to apply for renewal"},
    )


class VariationForm(GovukForm):
    kind = forms.ChoiceField(
        label="What do you want to change?",
        widget=forms.RadioSelect,
        choices=[(kind.value, kind.label) for kind in SponsorRequest.Kind if kind in SponsorRequest.VARIATION_KINDS],
        error_messages={"required": "Select what you want to change"},
    )
    route = forms.ChoiceField(
        label="Route (if you are adding or removing one)",
        required=False,
        choices=[("", "Not applicable"), *Route.choices],
    )
    details = forms.CharField(
        label="Details of the change",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="Explain the change and why. There is no 2,000 character limit here.",
        error_messages={"required": "Enter details of the change"},
    )
    documents = DocumentField(
        label="Evidence (optional)",
        required=False,
        help_text="A PDF, PNG, JPG or Word (DOCX) file, smaller than 10MB.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in {
            SponsorRequest.Kind.ADD_ROUTE,
            SponsorRequest.Kind.REMOVE_ROUTE,
        } and not cleaned.get("route"):
            self.add_error("route", "Select the route to add or remove")
        return cleaned


class AccessReviewForm(GovukForm):
    confirmed = forms.BooleanField(
        label="I have checked that every active user still needs access, at the right level",
        error_messages={"required": "Confirm that you have checked every user"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Enter the reasons"},
    )


class OptionalReasonForm(GovukForm):
    reason = forms.CharField(
        label="Notes for the sponsor (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        required=False,
    )


def allocation_field(label: str) -> forms.IntegerField:
    """A number of certificates: a whole number, zero or more."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100000,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "min_value": f"{label} cannot be negative",
            "max_value": f"{label} can be at most 100,000",
            "invalid": f"{label} must be a whole number",
            "required": f"Enter {label[0].lower() + label[1:]}",
        },
    )


class GrantApplicationForm(GovukForm):
    routes = forms.MultipleChoiceField(
        label="Routes to grant",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one route to grant"},
    )
    validity_years = forms.IntegerField(
        label="Licence valid for (years)",
        min_value=1,
        max_value=10,
        initial=10,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-2"}),
        error_messages={
            "required": "Enter how many years the licence is valid for",
            "min_value": "The licence must be valid for at least 1 year",
            "max_value": "The licence can be valid for at most 10 years",
            "invalid": "Enter the number of years as a whole number, like 10",
        },
    )
    worker = allocation_field("First allocation: Worker certificates (undefined CoS)")
    temporary_worker = allocation_field("First allocation: Temporary Worker certificates")
    student = allocation_field("First allocation: CAS")

    def __init__(self, *args, requested_routes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["routes"].choices = [(route, Route(route).label) for route in requested_routes]
        self.fields["routes"].initial = requested_routes
        # A first allocation only for categories of the routes applied for (domain.md section 4).
        applied_for = {ROUTE_CATEGORY[route] for route in requested_routes}
        for category in RouteCategory.values:
            if category not in applied_for:
                del self.fields[category]

    def first_allocation(self) -> dict[str, int]:
        return {category: self.cleaned_data[category] for category in RouteCategory.values if category in self.fields}


class InformationRequestForm(GovukForm):
    request_text = forms.CharField(
        label="What must the applicant send?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Enter what information or documents the applicant must send"},
    )


KEY_PERSON_ROLES = {
    "authorising-officer": KeyPersonRole.AUTHORISING_OFFICER,
    "key-contact": KeyPersonRole.KEY_CONTACT,
}


class ReportingSettingsForm(GovukForm):
    nation = forms.ChoiceField(
        label="Whose bank holidays apply to your deadlines?",
        choices=Nation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the nation whose bank holidays apply"},
    )
    internal_target_working_days = forms.IntegerField(
        label="Your own target for reporting, in working days",
        help_text="Reminders aim for this, ahead of the legal deadline. Between 1 and 20.",
        min_value=1,
        max_value=20,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-2"}),
        error_messages={
            "required": "Enter your target in working days",
            "min_value": "The target must be at least 1 working day",
            "max_value": "The target can be at most 20 working days",
            "invalid": "Enter the target as a whole number, like 5",
        },
    )
