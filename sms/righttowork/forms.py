from django import forms

from sms.accounts.models import User
from sms.core.forms import NOTE_TEXT, DocumentField, GovukForm, uk_date_field
from sms.core.uploads import ALLOWED_DESCRIPTION
from sms.licensing.models import KeyPerson
from sms.righttowork import rules
from sms.righttowork.models import ECS_REFERENCE_LENGTH, RightToWorkCheck, TrainingRecord

UK_DATE_INPUT = "%d/%m/%Y"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.email} ({obj.get_level_display()})"


class RightToWorkCheckForm(GovukForm):
    """A right-to-work check: when, how (with what that method needs), who, the result and evidence."""

    checked_on = uk_date_field("Date of the check", "Enter the date of the check", example="2/11/2026")
    method = forms.ChoiceField(
        label="How did you check?",
        choices=RightToWorkCheck.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you checked"},
    )
    share_code = forms.CharField(
        label="Share code (for an online check)",
        help_text=f"9 letters and numbers starting with W, from the worker, like {rules.SHARE_CODE_EXAMPLE}",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}),
    )
    ecs_reference = forms.CharField(
        label="Employer Checking Service reference (for a check through the service)",
        help_text="The reference on the Positive Verification Notice",
        required=False,
        max_length=ECS_REFERENCE_LENGTH,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20", "spellcheck": "false"}),
    )
    checked_by = UserChoiceField(
        label="Which user is answerable for the check?",
        queryset=User.objects.none(),
        empty_label="Select a user",
        error_messages={"required": "Select the user who made or oversaw the check",
                        "invalid_choice": "Select the user who made or oversaw the check"},
    )  # fmt: skip
    performed_by_name = forms.CharField(
        label="Name of the person who made the check, if someone else (optional)",
        help_text="For example, the manager at the site where the worker started",
        required=False,
        max_length=150,
    )
    result = forms.ChoiceField(
        label="What did the check show?",
        choices=RightToWorkCheck.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the check showed"},
    )
    permission_end = uk_date_field("Permission (visa) end date (for time-limited permission)", example="3/3/2027")
    evidence = DocumentField(
        label="Evidence of the check",
        help_text="The online check's result page, copies of the documents or the service's notice: "
        f"{ALLOWED_DESCRIPTION}",
        error_messages={"required": "Upload the evidence of the check", "empty": "The selected file is empty"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=NOTE_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sponsor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_by"].queryset = User.objects.filter(
            sponsor=sponsor, kind=User.Kind.SPONSOR, is_active=True
        ).order_by("given_name", "family_name", "id")
        self.fields["permission_end"].widget.format = UK_DATE_INPUT
        self.fields["permission_end"].help_text = (
            "For example, 3/3/2027. Filled in from the worker's record; the follow-up check falls due by this date."
        )

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == RightToWorkCheck.Method.ONLINE:
            error = rules.share_code_error(data.get("share_code", ""))
            if error:
                self.add_error("share_code", error)
        if method == RightToWorkCheck.Method.ECS:
            error = rules.ecs_reference_error(data.get("ecs_reference", ""))
            if error:
                self.add_error("ecs_reference", error)
        if data.get("result") == RightToWorkCheck.Result.TIME_LIMITED and not data.get("permission_end"):
            self.add_error(
                "permission_end", "Enter the date the worker's permission ends: time-limited permission has an end date"
            )
        return data


class TraineeField(forms.ChoiceField):
    """The sponsor's users and current key personnel, as "user:<pk>" or "key:<pk>"."""


def trainee_choices(sponsor) -> list[tuple[str, str]]:
    users = User.objects.filter(sponsor=sponsor, kind=User.Kind.SPONSOR, is_active=True).order_by(
        "given_name", "family_name", "id"
    )
    key_personnel = KeyPerson.objects.filter(sponsor=sponsor, end_date__isnull=True).order_by("role")
    return [
        ("", "Select a person"),
        *((f"user:{user.pk}", f"{user.full_name or user.email} ({user.get_level_display()})") for user in users),
        *((f"key:{person.pk}", f"{person.full_name} ({person.get_role_display()})") for person in key_personnel),
    ]


class TrainingRecordForm(GovukForm):
    trainee = TraineeField(
        label="Who took the training?",
        choices=[],
        error_messages={"required": "Select who took the training", "invalid_choice": "Select who took the training"},
    )
    course = forms.CharField(
        label="Course",
        help_text="For example, Sponsor Management System: assigning certificates",
        max_length=TrainingRecord._meta.get_field("course").max_length,
        error_messages={"required": "Enter the name of the course"},
    )
    taken_on = uk_date_field("Date taken", "Enter the date the training was taken", example="14/9/2026")
    next_due = uk_date_field("Next due (optional)", example="14/9/2027")
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=NOTE_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sponsor=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["trainee"]
        else:
            self.fields["trainee"].choices = trainee_choices(sponsor)
        for name in ("taken_on", "next_due"):
            self.fields[name].widget.format = UK_DATE_INPUT
        self.fields["next_due"].help_text = "For example, 14/9/2027. Leave blank for a year after the date taken."

    def clean(self):
        data = super().clean()
        taken, due = data.get("taken_on"), data.get("next_due")
        if taken and due and due <= taken:
            self.add_error("next_due", "The date it is next due must be after the date it was taken")
        return data

    def chosen_trainee(self, sponsor):
        """The user or key person chosen, of this sponsor only: (user, key_person)."""
        kind, _, pk = (self.cleaned_data.get("trainee") or "").partition(":")
        if kind == "user":
            return User.objects.filter(sponsor=sponsor, pk=pk).first(), None
        return None, KeyPerson.objects.filter(sponsor=sponsor, pk=pk).first()
