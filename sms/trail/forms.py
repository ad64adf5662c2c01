"""Filters for the audit trail page."""

from django import forms

from sms.accounts.models import Sponsor, User
from sms.audit.models import Verb
from sms.core.forms import GovukForm, uk_date_field
from sms.trail.selectors import AuditFilters


class AuditFilterForm(GovukForm):
    """Narrow the trail by date, user and event. Dates are typed as day/month/year (ISO in links)."""

    date_from = uk_date_field("From date")
    date_to = uk_date_field("To date", example="3/4/2026")
    user = forms.ModelChoiceField(
        label="User",
        queryset=User.objects.none(),
        required=False,
        empty_label="Any user",
        to_field_name="user_id",
        error_messages={"invalid_choice": "Select a user from the list"},
    )
    verb = forms.ChoiceField(
        label="Event",
        required=False,
        choices=[("", "Any event"), *Verb.choices],
        error_messages={"invalid_choice": "Select an event from the list"},
    )
    sponsor = forms.ModelChoiceField(
        label="Sponsor",
        queryset=Sponsor.objects.none(),
        required=False,
        empty_label="Any sponsor",
        to_field_name="uuid",
        error_messages={"invalid_choice": "Select a sponsor from the list"},
    )

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        if viewer.is_home_office:
            self.fields["user"].widget = forms.TextInput(attrs={"class": "govuk-input--width-10"})
            self.fields["user"].label = "User ID"
            self.fields["user"].help_text = "For example, UACD3479K"
            self.fields["user"].error_messages["invalid_choice"] = "Enter a user ID that exists"
            self.fields["user"].queryset = User.objects.all()
            self.fields["sponsor"].queryset = Sponsor.objects.order_by("name")
        else:
            del self.fields["sponsor"]
            if viewer.level == User.Level.LEVEL_1:
                self.fields["user"].queryset = User.objects.filter(sponsor_id=viewer.sponsor_id)
            else:
                # A Level 2 user sees only their own actions: nothing to choose.
                del self.fields["user"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        user = data.get("user")
        sponsor = data.get("sponsor")
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor_id=user.pk if user else None,
            verb=data.get("verb") or "",
            sponsor_id=sponsor.pk if sponsor else None,
        )
