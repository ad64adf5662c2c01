from django import forms

from sms.accounts.models import User
from sms.core.forms import LONG_TEXT, GovukForm, uk_date_field
from sms.visits.models import ComplianceVisit


def officers():
    """Staff who may make a compliance visit."""
    return User.objects.filter(
        kind=User.Kind.HOME_OFFICE,
        is_active=True,
        staff_role__in=[User.StaffRole.COMPLIANCE_OFFICER, User.StaffRole.ADMINISTRATOR],
    )


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.email} ({obj.user_id})"


class VisitPlanForm(GovukForm):
    visit_date = uk_date_field("Date of the visit", "Enter the date of the visit", example="14/9/2026")
    announced = forms.TypedChoiceField(
        label="Will the sponsor be told beforehand?",
        choices=[("yes", "Yes, an announced visit"), ("no", "No, an unannounced visit")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the visit is announced"},
    )
    officer = OfficerField(
        label="Compliance officer",
        queryset=officers(),
        empty_label="Select an officer",
        error_messages={"required": "Select a compliance officer", "invalid_choice": "Select a compliance officer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers()


class VisitRecordForm(GovukForm):
    visit_date = uk_date_field("Date of the visit", "Enter the date of the visit", example="14/9/2026")
    officer = OfficerField(
        label="Compliance officer",
        queryset=officers(),
        empty_label="Select an officer",
        error_messages={"required": "Select a compliance officer", "invalid_choice": "Select a compliance officer"},
    )
    findings = forms.CharField(
        label="Findings",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the findings"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ComplianceVisit.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    linked_actions = forms.CharField(
        label="Linked actions (optional)",
        help_text="The reference or address of the action plan, suspension or other action that followed",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers()
