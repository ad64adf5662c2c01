from django import forms

from sms.compliance.models import RequiredAction
from sms.compliance.services import Outcome, RepresentationOutcome
from sms.core.forms import DocumentField, GovukForm, uk_date_field
from sms.licensing.models import Rating

EVIDENCE_HELP = "A PDF, PNG, JPG or Word (DOCX) file, smaller than 10MB."


class RatingForm(GovukForm):
    rating = forms.ChoiceField(
        label="New rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the rating"},
    )
    reason = forms.CharField(
        label="Reasons",
        help_text="The sponsor sees these reasons.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        error_messages={"required": "Enter the reasons for the rating"},
    )
    required_actions = forms.CharField(
        label="Required actions (for a downgrade to B)",
        help_text="One action on each line. A downgrade to B sets a 3-month action plan with these actions.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.B and not (data.get("required_actions") or "").strip():
            self.add_error("required_actions", "Enter the actions the sponsor must take, one on each line")
        return data


class ProgressForm(GovukForm):
    progress = forms.ChoiceField(
        label="How far has this action progressed?",
        choices=RequiredAction.Progress.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how far the action has progressed"},
    )
    notes = forms.CharField(
        label="What have you done?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Describe what you have done"},
    )
    evidence = DocumentField(label="Evidence (optional)", required=False, help_text=EVIDENCE_HELP)


class ActionPlanDecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=Outcome.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    new_end_date = uk_date_field("New end date (if you extend the plan)")
    reason = forms.CharField(
        label="Reasons",
        help_text="The sponsor sees these reasons.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        error_messages={"required": "Enter the reasons for the decision"},
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.EXTEND and not data.get("new_end_date") and "new_end_date" not in self.errors:
            self.add_error("new_end_date", "Enter the new end date to extend the plan")
        return data


class RepresentationsForm(GovukForm):
    text = forms.CharField(
        label="Your representations",
        help_text="Explain why the licence should not be revoked and what you have done about the reasons given.",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50000,
        error_messages={"required": "Enter your representations"},
    )
    evidence = DocumentField(label="Evidence (optional)", required=False, help_text=EVIDENCE_HELP)


class RepresentationDecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=RepresentationOutcome.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    reason = forms.CharField(
        label="Reasons",
        help_text="The sponsor sees these reasons.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        error_messages={"required": "Enter the reasons for the decision"},
    )
