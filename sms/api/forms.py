"""The form a Level 1 user creates an API token with."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from sms.api.models import ApiToken
from sms.core.forms import GovukForm, uk_date_field


class TokenForm(GovukForm):
    name = forms.CharField(
        label="Name",
        help_text="Say which system uses it, for example HR system (payroll export)",
        max_length=100,
        error_messages={"required": "Enter a name for the token"},
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=ApiToken.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the token may do"},
    )
    expires_on = uk_date_field("Expiry date", "Enter the expiry date", example="27/3/2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].help_text = "At most a year from today. For example, " + (
            timezone.localdate() + timedelta(days=90)
        ).strftime("%-d/%-m/%Y")
