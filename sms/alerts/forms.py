from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from sms.core.forms import GovukForm
from sms.notifications.models import CREATOR_TOPICS, Recipient, Topic


class AlertRecipientsForm(GovukForm):
    """One set of checkboxes per topic: who is told."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for topic in Topic:
            self.fields[topic.value] = forms.MultipleChoiceField(
                label=topic.label,
                choices=[
                    (value, label)
                    for value, label in Recipient.choices
                    if value != Recipient.CREATOR or topic in CREATOR_TOPICS
                ],
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": f"Select who is told about {topic.label[0].lower()}{topic.label[1:]}",
                    "invalid_choice": "Select from the list",
                },
            )
        self.helper.layout = Layout(
            *(Field.checkboxes(topic.value, legend_size=Size.SMALL, small=True) for topic in Topic)
        )


class AlertPreferenceForm(GovukForm):
    by_email = forms.TypedChoiceField(
        label="How do you want to get alerts?",
        choices=[("yes", "By email and in the service"), ("no", "In the service only")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Alerts always appear in your notifications list. Emails about your account, such as password "
        "resets, are always sent.",
        error_messages={"required": "Select how you want to get alerts", "invalid_choice": "Select from the list"},
    )
