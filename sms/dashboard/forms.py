from django import forms

from sms.core.forms import GovukForm
from sms.dashboard.models import CHECKLIST


class MonthlyReviewForm(GovukForm):
    """The four points of seed 001's monthly review, each confirmed, and optional notes."""

    notes = forms.CharField(
        label="Notes (optional)",
        help_text="What you found and what you have asked people to do",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        checks = {
            name: forms.BooleanField(
                label=label,
                error_messages={"required": f"Confirm: {label[0].lower()}{label[1:]}"},
            )
            for name, label in CHECKLIST.items()
        }
        self.fields = {**checks, **self.fields}
