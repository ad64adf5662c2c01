"""Forms for recording facts and reporting, built from the kind of fact and the event catalogue."""

from django import forms

from sms.core.forms import LONG_TEXT, NOTE_TEXT, SHORT_TEXT, DocumentField, GovukForm, MoneyField, uk_date_field
from sms.reporting.catalogue import EVENT_CHOICES, EventType
from sms.reporting.models import Fact, SponsoredPerson, fact_kinds_for

YES_NO = [("yes", "Yes"), ("no", "No")]
UK_DATE_INPUT = "%d/%m/%Y"
Kind = Fact.Kind

# The fields each kind of fact asks for, beyond its date.
FACT_FIELDS = {
    Kind.START_CONFIRMED: (),
    Kind.ABSENCE: ("end_date", "authorised", "pay", "leave_reason"),
    Kind.SALARY_CHANGE: ("new_salary",),
    Kind.ROLE_CHANGE: ("new_value",),
    Kind.LOCATION_CHANGE: ("new_value",),
    Kind.EMPLOYMENT_ENDED: ("end_reason",),
    Kind.ENROLLED: (),
    Kind.STUDENT_WITHDRAWN: (),
    Kind.STUDENT_SUSPENDED: ("end_date",),
    Kind.STUDENT_COMPLETED_EARLY: (),
}
DATE_LABEL = {
    Kind.START_CONFIRMED: "Date they started",
    Kind.ABSENCE: "First day of absence",
    Kind.SALARY_CHANGE: "Date the new salary took effect",
    Kind.ROLE_CHANGE: "Date of the change",
    Kind.LOCATION_CHANGE: "Date of the change",
    Kind.EMPLOYMENT_ENDED: "Last day of employment",
    Kind.ENROLLED: "Date they enrolled",
    Kind.STUDENT_WITHDRAWN: "Date they withdrew",
    Kind.STUDENT_SUSPENDED: "First day of the suspension",
    Kind.STUDENT_COMPLETED_EARLY: "Date they completed",
}


def facts_for(person: SponsoredPerson) -> list[str]:
    return fact_kinds_for(person.kind)


class FactForm(GovukForm):
    """One fact about a person; which fields appear depends on the kind of fact."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        label = DATE_LABEL.get(kind, "Date")  # an unknown kind (a bad CSV cell) still has its date checked
        self.fields["start_date"] = uk_date_field(label, f"Enter the {label[0].lower() + label[1:]}")
        wanted = FACT_FIELDS.get(kind, ())
        if "end_date" in wanted:
            self.fields["end_date"] = uk_date_field("Last day (leave blank if it has not ended)")
        if "authorised" in wanted:
            self.fields["authorised"] = forms.ChoiceField(
                label="Did you give permission for the absence?", choices=YES_NO, widget=forms.RadioSelect,
                error_messages={"required": "Select whether the absence was authorised"},
            )  # fmt: skip
        if kind == Kind.EMPLOYMENT_ENDED:
            self.fields[
                "start_date"
            ].help_text = "It can be in the future, for someone working their notice. For example, 27/3/2026"
        if "pay" in wanted:
            self.fields["pay"] = forms.ChoiceField(
                label="How was it paid?", choices=Fact.Pay.choices, widget=forms.RadioSelect,
                help_text="Unpaid and reduced-pay leave is reportable once it comes to more than 4 weeks "
                "in a calendar year.",
                error_messages={"required": "Select how the absence was paid"},
            )  # fmt: skip
        if "leave_reason" in wanted:
            self.fields["leave_reason"] = forms.ChoiceField(
                label="Reason for the leave",
                choices=Fact.LeaveReason.choices,
                required=False,
                help_text="Leave for any of these reasons is never reported as unpaid leave.",
            )
        if "end_reason" in wanted:
            self.fields["end_reason"] = forms.ChoiceField(
                label="Why did the employment end?", choices=Fact.EndReason.choices, widget=forms.RadioSelect,
                error_messages={"required": "Select why the employment ended"},
            )  # fmt: skip
        if "new_salary" in wanted:
            self.fields["new_salary"] = MoneyField(
                label="New gross annual salary (£)", error_messages={"required": "Enter the new salary"}
            )
        if "new_value" in wanted:
            label = "New job title and duties" if kind == Kind.ROLE_CHANGE else "New main work address"
            self.fields["new_value"] = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=NOTE_TEXT,
                error_messages={"required": f"Enter the {label.lower()}"},
            )
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_TEXT
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day must be on or after the first day")
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "start_date": data["start_date"],
            "end_date": data.get("end_date"),
            "authorised": {"yes": True, "no": False}.get(data.get("authorised")),
            "pay": data.get("pay") or "",
            "leave_reason": data.get("leave_reason") or "",
            "end_reason": data.get("end_reason") or "",
            "new_salary_pence": data.get("new_salary"),
            "new_value": data.get("new_value") or "",
            "notes": data.get("notes") or "",
        }


class ReportForm(GovukForm):
    """The report an event needs (its catalogue fields), evidence and the declaration."""

    def __init__(self, *args, event: EventType, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in event.fields:
            if spec.kind == "date":
                field = uk_date_field(spec.label, f"Enter the {spec.label.lower()}" if spec.required else "")
                field.widget.format = UK_DATE_INPUT  # a pre-filled date reads as it is typed
            elif spec.kind == "pounds":
                field = MoneyField(label=spec.label, required=spec.required)
            else:
                widget = forms.Textarea(attrs={"rows": 4}) if spec.kind == "long_text" else forms.TextInput()
                limit = LONG_TEXT if spec.kind == "long_text" else SHORT_TEXT
                field = forms.CharField(label=spec.label, required=spec.required, widget=widget, max_length=limit)
            field.error_messages["required"] = f"Enter {spec.label[0].lower() + spec.label[1:]}"
            self.fields[spec.name] = field
        self.fields["evidence"] = DocumentField(
            label="Evidence (optional)",
            required=False,
            help_text="A PDF, PNG, JPG or Word (DOCX) file, smaller than 10MB.",
        )
        self.fields["declaration"] = forms.BooleanField(
            label="I confirm this report is true and complete",
            error_messages={"required": "Confirm the declaration to send the report"},
        )

    def report(self) -> dict:
        """The structured fields as stored on the obligation (dates as ISO text)."""
        result = {}
        for name, value in self.cleaned_data.items():
            if name in ("evidence", "declaration") or value in (None, ""):
                continue
            result[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return result


class OpenObligationForm(GovukForm):
    event = forms.ChoiceField(
        label="What happened?", choices=EVENT_CHOICES, error_messages={"required": "Select the event"}
    )
    trigger_date = uk_date_field("Date it happened", "Enter the date it happened")
    person = forms.ChoiceField(label="Who it is about (optional)", required=False)
    details = forms.CharField(
        label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=LONG_TEXT
    )

    def __init__(self, *args, people=(), organisation=True, **kwargs):
        super().__init__(*args, **kwargs)
        people_choices = [(str(p.uuid), p.full_name) for p in people]
        if organisation:
            self.fields["person"].choices = [("", "The organisation"), *people_choices]
        else:  # a Level 2 user reports only about people, never the organisation
            self.fields["person"].choices = people_choices
            self.fields["person"].required = True
            self.fields["person"].label = "Who it is about"
            self.fields["person"].error_messages["required"] = "Select who it is about"


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why are you cancelling it?", widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_TEXT,
        error_messages={"required": "Enter why the obligation is cancelled"},
    )  # fmt: skip


class PersonDetailsForm(GovukForm):
    """The worker's permission (visa) dates and working pattern."""

    permission_start = uk_date_field("Permission (visa) valid from (optional)", example="3/3/2025")
    permission_end = uk_date_field("Permission (visa) end date (optional)", example="3/3/2027")
    days_per_week = forms.TypedChoiceField(
        label="Working days a week",
        choices=[(number, str(number)) for number in range(5, 0, -1)],
        coerce=int,
        help_text="Unpaid leave is counted in this pattern: 4 weeks is 20 working days for a 5-day week, "
        "12 for a 3-day week.",
        error_messages={"required": "Select how many days a week they work"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permission_start"].widget.format = UK_DATE_INPUT
        self.fields["permission_end"].widget.format = UK_DATE_INPUT
        self.fields["permission_start"].help_text = (
            "For example, 3/3/2025. The first day of the worker's current permission, on their eVisa."
        )
        self.fields["permission_end"].help_text = (
            "For example, 3/3/2027. The last day of their permission: a follow-up right-to-work check falls due by "
            "this date."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("permission_start"), data.get("permission_end")
        if start and end and end < start:
            self.add_error("permission_end", "The end date must be the same as or after the date it is valid from")
        return data


class AbsenceEndForm(GovukForm):
    """The last day of an absence recorded while it was still going on."""

    last_day = uk_date_field("Last day of the absence", "Enter the last day of the absence", example="27/3/2026")


class FactsImportForm(GovukForm):
    upload = forms.FileField(
        label="CSV file", error_messages={"required": "Select a file to upload", "empty": "The selected file is empty"}
    )
