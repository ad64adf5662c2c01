from django import forms

from sms.casework import selectors
from sms.casework.queues import QUEUES, SORTS
from sms.casework.services import NOTE_MAX_LENGTH
from sms.core.forms import GovukForm

SORT_LABELS = {"due": "Due date (soonest first)", "oldest": "Age (oldest first)", "newest": "Newest first"}


class WorkspaceFilterForm(GovukForm):
    q = forms.CharField(
        label="Search",
        help_text="Sponsor name, licence number, company number or case reference",
        required=False,
        max_length=100,
    )
    queue = forms.ChoiceField(
        label="Queue", required=False, choices=[("", "All queues")] + [(q.key, q.label) for q in QUEUES]
    )
    assignment = forms.ChoiceField(
        label="Assigned",
        required=False,
        choices=[("", "Anyone or no one"), ("mine", "Assigned to me"), ("unassigned", "Not assigned")],
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=[(key, SORT_LABELS[key]) for key in SORTS])


class AssignForm(GovukForm):
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=selectors.staff_who_decide(),
        empty_label=None,
        error_messages={
            "required": "Choose who to assign the case to",
            "invalid_choice": "Choose someone from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].label_from_instance = lambda user: (
            f"{user.full_name or user.email} ({user.get_staff_role_display()})"
        )


class CaseNoteForm(GovukForm):
    text = forms.CharField(
        label="Add a note",
        help_text="Only Home Office staff see internal notes.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Enter the note"},
    )
