"""The form a Level 1 user registers a webhook endpoint with."""

from django import forms

from sms.core.forms import GovukForm
from sms.webhooks.delivery import url_problem
from sms.webhooks.models import EventType


class EndpointForm(GovukForm):
    description = forms.CharField(
        label="Description",
        help_text="Say which system receives it, for example HR system (leavers)",
        max_length=100,
        error_messages={"required": "Enter a description"},
    )
    url = forms.CharField(
        label="Web address (URL)",
        help_text="It must start with https://, for example https://hr.example.com/webhooks/sponsorship",
        max_length=500,
        error_messages={"required": "Enter the web address"},
    )
    events = forms.MultipleChoiceField(
        label="Which events should it receive?",
        help_text="Select all that apply",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one event"},
    )

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url
