"""Administrators' pages for reference data: fees, thresholds, occupations, staff users and roles."""

from django import forms
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from sms.accounts.models import SponsorSize, User
from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.certificates.models import OccupationTable, SalaryThreshold
from sms.core.emails import CanonicalEmailField
from sms.core.forms import EMAIL_LENGTH, GovukForm, MoneyField, uk_date_field
from sms.core.models import FeeRate
from sms.licensing.models import Route
from sms.referencedata import services
from sms.web.formviews import ServiceFormView

MAX_PUBLICATION_BYTES = 5 * 1024 * 1024


def _pounds(label: str, message: str, required: bool = True) -> MoneyField:
    """An amount in pounds, cleaned to pence by the service's one money field."""
    return MoneyField(label=label, required=required, error_messages={"required": message})


class ReferenceDataView(PolicyMixin, TemplateView):
    action = Action.ADMINISTER_REFERENCE_DATA
    template_name = "referencedata/home.html"


class FeeForm(GovukForm):
    kind = forms.ChoiceField(label="Fee", choices=[("", "Select a fee"), *FeeRate.Kind.choices])
    sponsor_size = forms.ChoiceField(
        label="Sponsor size", choices=[("", "Any size"), *SponsorSize.choices], required=False
    )
    amount = _pounds("Amount", "Enter the amount")
    effective_from = uk_date_field("Takes effect from", "Enter the date it takes effect", example="6/4/2027")
    source = forms.CharField(label="Where it was published (optional)", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "Select a fee"


class FeesView(ServiceFormView):
    action = Action.ADMINISTER_REFERENCE_DATA
    form_class = FeeForm
    template_name = "referencedata/fees.html"
    title = "Fees and charges"
    intro = "Add a figure from a future date: the current figure applies until then."
    button_text = "Add fee"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "fees": FeeRate.objects.order_by("kind", "sponsor_size", "-effective_from"),
        }

    def perform(self, data):
        fee = services.fee_rate_add(
            actor=self.request.user,
            kind=data["kind"],
            sponsor_size=data["sponsor_size"],
            amount_pence=data["amount"],
            effective_from=data["effective_from"],
            source=data["source"],
        )
        return f"{fee.get_kind_display()} added"

    def get_back_url(self):
        return reverse("referencedata:home")

    def get_success_url(self):
        return reverse("referencedata:fees")


class ThresholdForm(GovukForm):
    route = forms.ChoiceField(label="Route", choices=[("", "Select a route"), *Route.choices])
    general_threshold = _pounds("General salary threshold", "Enter the general salary threshold")
    minimum_rqf_level = forms.IntegerField(
        label="Minimum skill level (RQF)",
        min_value=1,
        max_value=8,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the minimum skill level",
            "invalid": "Minimum skill level must be a number from 1 to 8",
            "min_value": "Minimum skill level must be a number from 1 to 8",
            "max_value": "Minimum skill level must be a number from 1 to 8",
        },
    )
    hourly_floor = _pounds("Hourly floor (optional)", "", required=False)
    effective_from = uk_date_field("Takes effect from", "Enter the date it takes effect", example="6/4/2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].error_messages["required"] = "Select the route"


class ThresholdsView(ServiceFormView):
    action = Action.ADMINISTER_REFERENCE_DATA
    form_class = ThresholdForm
    template_name = "referencedata/thresholds.html"
    title = "Salary thresholds"
    intro = "Add a route's threshold from a future date: the current one applies until then."
    button_text = "Add threshold"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "thresholds": SalaryThreshold.objects.all()}

    def perform(self, data):
        threshold = services.salary_threshold_add(
            actor=self.request.user,
            route=data["route"],
            general_threshold_pence=data["general_threshold"],
            minimum_rqf_level=data["minimum_rqf_level"],
            hourly_floor_pence=data["hourly_floor"],
            effective_from=data["effective_from"],
        )
        return f"Threshold for {threshold.get_route_display()} added"

    def get_back_url(self):
        return reverse("referencedata:home")

    def get_success_url(self):
        return reverse("referencedata:thresholds")


class OccupationsForm(GovukForm):
    publication = forms.FileField(
        label="Publication file (JSON)",
        help_text="The occupation tables and going rates, in the layout the service loads",
        error_messages={"required": "Select the publication file", "empty": "The selected file is empty"},
    )

    def clean_publication(self):
        upload = self.cleaned_data["publication"]
        if upload.size > MAX_PUBLICATION_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        return upload


class OccupationsView(ServiceFormView):
    action = Action.ADMINISTER_REFERENCE_DATA
    form_class = OccupationsForm
    template_name = "referencedata/occupations.html"
    title = "Occupations and going rates"
    intro = "Upload the next publication: nothing is loaded unless every occupation in it is valid."
    button_text = "Upload publication"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "tables": OccupationTable.objects.order_by("-effective_from")}

    def perform(self, data):
        table, changed = services.occupations_upload(actor=self.request.user, raw=data["publication"].read())
        when = f"{table.effective_from.day} {table.effective_from:%B %Y}"
        return f"Publication in force from {when} {'loaded' if changed else 'was already loaded'}"

    def get_back_url(self):
        return reverse("referencedata:home")

    def get_success_url(self):
        return reverse("referencedata:occupations")


class StaffUserForm(GovukForm):
    given_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter a first name"})
    family_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter a last name"})
    email = CanonicalEmailField(
        label="Email address",
        max_length=EMAIL_LENGTH,
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address like name@example.gov.uk",
        },
    )
    staff_role = forms.ChoiceField(
        label="Role",
        choices=User.StaffRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )


class StaffUsersView(ServiceFormView):
    action = Action.ADMINISTER_REFERENCE_DATA
    form_class = StaffUserForm
    template_name = "referencedata/staff.html"
    title = "Home Office users"
    intro = "Add a member of staff with their role. They set a password through the activation link we email them."
    button_text = "Add user"

    def get_context_data(self, **kwargs):
        staff = User.objects.filter(kind=User.Kind.HOME_OFFICE)
        return {**super().get_context_data(**kwargs), "staff": staff}

    def perform(self, data):
        user = services.staff_user_create(actor=self.request.user, **data)
        return f"{user.email} added. We have emailed them an activation link"

    def get_back_url(self):
        return reverse("referencedata:home")

    def get_success_url(self):
        return reverse("referencedata:staff")


class StaffRoleForm(GovukForm):
    staff_role = forms.ChoiceField(
        label="Role",
        choices=User.StaffRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )


class StaffRoleView(ServiceFormView):
    action = Action.ADMINISTER_REFERENCE_DATA
    form_class = StaffRoleForm
    title = "Change role"
    button_text = "Change role"

    def load(self, request, *args, **kwargs):
        self.staff_user = get_object_or_404(User, user_id=kwargs["user_id"], kind=User.Kind.HOME_OFFICE)
        self.caption = self.staff_user.full_name or self.staff_user.email

    def get_initial(self):
        return {"staff_role": self.staff_user.staff_role}

    def perform(self, data):
        user = services.staff_role_change(actor=self.request.user, user=self.staff_user, staff_role=data["staff_role"])
        return f"{user.email} is now {user.get_staff_role_display().lower()}"

    def get_back_url(self):
        return reverse("referencedata:staff")
