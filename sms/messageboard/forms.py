from django import forms
from django.utils import timezone

from sms.accounts.models import SponsorSize
from sms.core.forms import LONG_TEXT, GovukForm, uk_date_field
from sms.licensing.models import Rating, Route, RouteCategory


def _choices(label: str, choices, help_text: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class MessageForm(GovukForm):
    subject = forms.CharField(label="Subject", max_length=200, error_messages={"required": "Enter a subject"})
    body = forms.CharField(
        label="Message",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the message"},
    )
    categories = _choices(
        "Sponsor type", RouteCategory.choices, "Sponsors holding a route of this type. Select none for every type."
    )
    routes = _choices("Routes", Route.choices, "Sponsors holding one of these routes. Select none for every route.")
    ratings = _choices("Rating", Rating.choices, "Sponsors with a route so rated. Select none for any rating.")
    sizes = _choices("Size", SponsorSize.choices, "Select none for every size.")
    publish_on = uk_date_field("Publish date", "Enter the publish date", example="3/3/2026")
    expires_on = uk_date_field("Last day shown (optional)", example="31/3/2026")

    def clean_publish_on(self):
        day = self.cleaned_data["publish_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("The publish date must be today or in the future")
        return day

    def clean(self):
        data = super().clean()
        publish_on, expires_on = data.get("publish_on"), data.get("expires_on")
        if publish_on and expires_on and expires_on < publish_on:
            self.add_error("expires_on", "The last day shown must be on or after the publish date")
        return data


class MessageEditForm(MessageForm):
    """The same form to correct a message: a published message may keep its publish date."""

    def __init__(self, *args, current_publish_on=None, **kwargs):
        self.current_publish_on = current_publish_on
        super().__init__(*args, **kwargs)

    def clean_publish_on(self):
        day = self.cleaned_data["publish_on"]
        if day != self.current_publish_on and day < timezone.localdate():
            raise forms.ValidationError("The publish date must be today or in the future")
        return day


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only Home Office staff see this, in the audit trail.",
        error_messages={"required": "Enter why you are withdrawing the message"},
    )
